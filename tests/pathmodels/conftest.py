"""Two survey waves of the demo questionnaire for the fixture shop, with answers that follow a
satisfaction model (elements -> overall -> loyalty), so that a PLS fit means something."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import numpy as np
import pytest

ELEMENT_MEANS = {"A": 3.9, "B": 3.7, "C": 3.3, "D": 3.4, "E": 3.8}
IMPORTANCE = {"A": 0.2, "B": 0.15, "C": 0.35, "D": 0.15, "E": 0.15}
# Responses per (wave, branch); X answers 5 incomplete forms in the first wave (no C13).
COUNTS = {("PM-W1", "B01"): 80, ("PM-W1", "B02"): 70, ("PM-W2", "B01"): 90, ("PM-W2", "B02"): 60}
INCOMPLETE_X_W1 = 5
DELIVERY_GAIN_W2 = 0.8  # the second wave's delivery is much better (a change the compare page must show)


def model_answers(rng: np.random.Generator, n: int, questionnaire, *, delivery_shift: float = 0.0) -> list[dict]:
    """n answer dicts: a shared mood, element latents, items around them, overall and loyalty from them."""
    mood = rng.normal(0, 0.5, n)
    theta = {e: ELEMENT_MEANS[e] + (delivery_shift if e == "C" else 0.0) + mood + rng.normal(0, 0.5, n)
             for e in ELEMENT_MEANS}
    cols: dict[str, np.ndarray] = {}
    for element in questionnaire.elements:
        for item in element.items:
            cols[item.code] = np.clip(np.rint(theta[element.code] + rng.normal(0, 0.4, n)), 1, 5)
    latent = 1 + 6 * (sum(IMPORTANCE[e] * theta[e] for e in theta) - 1) / 4 + rng.normal(0, 0.4, n)
    cols["OVR"] = np.clip(np.rint(latent), 1, 7)
    cols["RET"] = np.clip(np.rint(1 + (latent - 1) * 4 / 6 + rng.normal(0, 0.45, n)), 1, 5)
    cols["REC"] = np.clip(np.rint((latent - 1) * 10 / 6 + rng.normal(0, 0.9, n)), 0, 10)
    return [{code: int(values[i]) for code, values in cols.items()} for i in range(n)]


@pytest.fixture
def pm_waves(org_world):
    from cxm.surveys.demo_steps import QUESTIONNAIRE
    from cxm.surveys.models import Response, Wave
    from cxm.surveys.services import questionnaire_import

    q = questionnaire_import(code="retail-csi", source=QUESTIONNAIRE)
    parsed = q.parsed()
    waves = {
        "PM-W1": Wave.objects.create(code="PM-W1", questionnaire=q, opens_on=date(2026, 4, 1), closes_on=date(2026, 6, 30)),
        "PM-W2": Wave.objects.create(code="PM-W2", questionnaire=q, opens_on=date(2026, 7, 1), closes_on=date(2026, 9, 30)),
    }
    units = {"B01": org_world.x, "B02": org_world.y}
    rng = np.random.default_rng(20261123)
    rows = []
    for (code, unit), n in COUNTS.items():
        answers = model_answers(rng, n, parsed, delivery_shift=DELIVERY_GAIN_W2 if code == "PM-W2" else 0.0)
        if (code, unit) == ("PM-W1", "B01"):
            for a in answers[:INCOMPLETE_X_W1]:
                del a["C13"]
        submitted = datetime.combine(waves[code].opens_on, datetime.min.time(), timezone.utc)
        rows += [Response(wave=waves[code], org_unit=units[unit], submitted_at=submitted, answers=a) for a in answers]
    Response.objects.bulk_create(rows)
    return SimpleNamespace(world=org_world, questionnaire=q, parsed=parsed, w1=waves["PM-W1"], w2=waves["PM-W2"])
