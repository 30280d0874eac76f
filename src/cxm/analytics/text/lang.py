"""Language of a text: Korean or English, decided by the share of Hangul among its letters.

Comments mix scripts ("배송 OK 근데 box가 찢어짐"), so a text is Korean when Hangul makes
up at least ``threshold`` of its letters (Hangul + Latin), English when it has Latin
letters and less Hangul than that, and ``"unknown"`` when it has no letters at all
(empty, digits, emoji, punctuation). Counting runs in polars, one pass over all texts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

__all__ = ["HANGUL", "LATIN", "LANGUAGES", "hangul_ratio", "detect_language", "detect_languages"]

# Hangul syllables, compatibility jamo (ㅋㅋ, ㅠㅠ) and conjoining jamo.
HANGUL = r"[\x{AC00}-\x{D7A3}\x{3131}-\x{318E}\x{1100}-\x{11FF}]"
LATIN = r"[A-Za-z]"
LANGUAGES = ("ko", "en", "unknown")
DEFAULT_THRESHOLD = 0.3


def _as_series(texts: Sequence[str | None] | pl.Series) -> pl.Series:
    series = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
    return series.cast(pl.String).fill_null("")


def hangul_ratio(texts: Sequence[str | None] | pl.Series) -> np.ndarray:
    """Hangul letters / (Hangul + Latin letters) per text; NaN when a text has neither.

    Parameters
    ----------
    texts : the texts (``None`` counts as empty).

    Returns
    -------
    (n,) float array.
    """
    series = _as_series(texts)
    hangul = series.str.count_matches(HANGUL).to_numpy().astype(np.float64)
    latin = series.str.count_matches(LATIN).to_numpy().astype(np.float64)
    letters = hangul + latin
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(letters > 0, hangul / np.where(letters > 0, letters, 1.0), np.nan)


def detect_languages(texts: Sequence[str | None] | pl.Series, *, threshold: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """Language code per text: ``"ko"``, ``"en"`` or ``"unknown"`` (no letters).

    Parameters
    ----------
    texts : the texts.
    threshold : the share of Hangul among the letters from which a text counts as Korean.
        A low default (0.3) because Korean comments often carry English product names.

    Returns
    -------
    (n,) array of str.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    ratio = hangul_ratio(texts)
    out = np.full(ratio.shape, "unknown", dtype=object)
    known = ~np.isnan(ratio)
    out[known] = np.where(ratio[known] >= threshold, "ko", "en")
    return out.astype(str) if out.size else np.array([], dtype=str)


def detect_language(text: str | None, *, threshold: float = DEFAULT_THRESHOLD) -> str:
    """Language code of one text (see :func:`detect_languages`)."""
    return str(detect_languages([text], threshold=threshold)[0])
