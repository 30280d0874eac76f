"""Survey results for the pages and the API: a stored wave scored by the CSI engine."""

from __future__ import annotations

from dataclasses import dataclass

from cxm.analytics.report import csi_report

from .models import Wave
from .selectors import wave_frame, wave_list

#: Below this many answers no CSI is shown: the interval would be too wide to act on.
MIN_RESPONSES = 30


@dataclass(frozen=True)
class WaveResult:
    wave: Wave
    n: int
    report: dict | None  # None when fewer than MIN_RESPONSES answers


def wave_result(*, user, wave: Wave, unit_code: str | None = None, importance: str = "correlation",
                bootstrap: int = 1000, seed: int = 0) -> WaveResult:
    """The CSI report of ``wave`` over the answers ``user`` may see (and the picked unit)."""
    frame = wave_frame(user=user, wave=wave, unit_code=unit_code)
    if frame.height < MIN_RESPONSES:
        return WaveResult(wave, frame.height, None)
    report = csi_report(frame, wave.questionnaire.parsed(), importance=importance, bootstrap=bootstrap, seed=seed)
    return WaveResult(wave, frame.height, report)


def wave_trend(*, user, unit_code: str | None = None, bootstrap: int = 200) -> list[WaveResult]:
    """CSI with its interval for every wave with answers, oldest first."""
    return [wave_result(user=user, wave=w, unit_code=unit_code, bootstrap=bootstrap) for w in wave_list()]
