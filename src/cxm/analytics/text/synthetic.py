"""Generated customer comments with planted themes, for tests, the bench and demo data.

Each comment is assembled from phrase pools of one theme (delivery delay, unfriendly
staff, price, or praise) plus shared fillers, so the themes are known and a topic model
or keyword contrast can be checked for finding them. Everything is drawn with numpy and
joined in polars (no Python loop over comments).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

__all__ = ["THEMES", "planted_comments"]

# theme -> (subjects, predicates, extras), Korean
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "delivery": (
        ("배송이", "택배가", "주문한 물건이", "배송지연으로 상품이", "택배 배송이"),
        ("너무 늦어요", "일주일이나 늦게 왔어요", "아직도 도착하지 않았어요", "계속 지연되고 있어요", "늦게 도착했어요"),
        ("배송 조회도 안 돼요", "택배사 연락이 없어요", "배송 기간이 너무 길어요", "도착 예정일이 지났어요", ""),
    ),
    "staff": (
        ("직원이", "매장 직원이", "상담원이", "점원이", "담당 직원이"),
        ("불친절했어요", "너무 불친절해요", "무례하게 응대했어요", "불친절하고 설명도 안 해줬어요", "퉁명스럽게 대답했어요"),
        ("응대 태도가 별로예요", "인사도 안 해요", "직원 교육이 필요해요", "태도가 불쾌했어요", ""),
    ),
    "price": (
        ("가격이", "제품 가격이", "값이", "요금이", "상품 가격이"),
        ("너무 비싸요", "비싸게 느껴져요", "다른 곳보다 비싸요", "부담스러워요", "또 올랐어요"),
        ("할인이 없어요", "가성비가 떨어져요", "가격 인상이 심해요", "쿠폰이라도 주세요", ""),
    ),
    "praise": (
        ("매장이", "화장실이", "매장 분위기가", "진열대가", "주차장이"),
        ("깨끗하고 좋아요", "넓고 쾌적해요", "정리가 잘 되어 있어요", "밝고 편안해요", "항상 청결해요"),
        ("다음에도 방문할게요", "추천하고 싶어요", "만족스러웠어요", "기분 좋게 쇼핑했어요", ""),
    ),
}
_OPENERS = ("", "", "정말 ", "진짜 ", "이번에 ", "솔직히 ", "오늘 ", "지난주에 ")
# topic-neutral product nouns in front of half the comments, so comments are rarely identical
_PRODUCTS = ("냉장고", "세탁기", "운동화", "노트북", "화장품", "의자", "책상", "가방", "커피머신", "이어폰",
             "청소기", "프린터", "자전거", "텐트", "냄비", "선풍기", "모니터", "키보드", "침대", "소파")
_CLOSERS = ("", "", "", " 개선 부탁드립니다", " 실망했어요", " 다시 생각해 보겠습니다", " 참고해 주세요")
_ENGLISH: dict[str, tuple[str, ...]] = {
    "delivery": ("The delivery was very late", "My parcel arrived a week late", "Shipping is delayed again"),
    "staff": ("The staff were rude and unfriendly", "Unfriendly staff at the counter", "The clerk was rude"),
    "price": ("Prices are too expensive", "Too expensive compared to other shops", "The price went up again"),
    "praise": ("The store is clean and bright", "Clean store and pleasant layout", "Very clean and tidy store"),
}


def planted_comments(n: int, *, seed: int = 0, themes: dict[str, float] | None = None,
                     score_means: dict[str, float] | None = None, score_sd: float = 10.0,
                     start: dt.date = dt.date(2026, 1, 1), months: int = 12, rising: str | None = None,
                     english_share: float = 0.0) -> pl.DataFrame:
    """``n`` comments with known themes, dates and satisfaction scores.

    Parameters
    ----------
    n : number of comments.
    seed : random seed (same seed, same frame).
    themes : theme -> weight (default: equal weights over :data:`THEMES`).
    score_means : theme -> mean satisfaction score on 0-100 (default 70 for every theme);
        scores are normal with ``score_sd`` and clipped to 0-100.
    start, months : comment dates are spread uniformly over ``months`` months from ``start``.
    rising : a theme whose share grows linearly over time (weight x 0.25 in the first
        month up to x 1.75 in the last), to plant a trend.
    english_share : share of comments written in English instead.

    Returns
    -------
    DataFrame with columns ``text``, ``theme``, ``lang``, ``date``, ``score``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n!r}")
    rng = np.random.default_rng(seed)
    weights = themes or {t: 1.0 for t in THEMES}
    unknown = set(weights) - set(THEMES)
    if unknown:
        raise ValueError(f"unknown theme(s) {sorted(unknown)}; known: {sorted(THEMES)}")
    names = np.array(list(weights))
    base = np.array([weights[t] for t in names], dtype=np.float64)
    month = rng.integers(0, months, size=n)
    # theme probabilities per month (the rising theme scaled from 0.25 to 1.75)
    w = np.tile(base, (months, 1))
    if rising is not None:
        if rising not in weights:
            raise ValueError(f"rising theme {rising!r} is not among {sorted(weights)}")
        w[:, list(names).index(rising)] *= np.linspace(0.25, 1.75, months)
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    theme_idx = np.minimum((rng.random(n)[:, None] > cum[month]).sum(axis=1), len(names) - 1)
    theme = names[theme_idx]

    def pick(pool_of_theme) -> np.ndarray:
        out = np.empty(n, dtype=object)
        for t in names:  # a handful of themes, not rows
            rows = np.flatnonzero(theme == t)
            pool = np.array(pool_of_theme(t), dtype=object)
            out[rows] = pool[rng.integers(0, len(pool), size=rows.size)]
        return out

    opener = np.array(_OPENERS, dtype=object)[rng.integers(0, len(_OPENERS), size=n)]
    product = np.where(rng.random(n) < 0.5, "",
                       np.array([p + " " for p in _PRODUCTS], dtype=object)[rng.integers(0, len(_PRODUCTS), size=n)])
    closer = np.array(_CLOSERS, dtype=object)[rng.integers(0, len(_CLOSERS), size=n)]
    frame = pl.DataFrame({
        "o": opener, "q": product, "s": pick(lambda t: THEMES[t][0]), "p": pick(lambda t: THEMES[t][1]),
        "x": pick(lambda t: THEMES[t][2]), "c": closer, "en": pick(lambda t: _ENGLISH[t]),
    }, schema={k: pl.String for k in ("o", "q", "s", "p", "x", "c", "en")})
    english = rng.random(n) < english_share
    korean = pl.concat_str([pl.col("o"), pl.col("q"), pl.col("s"), pl.lit(" "), pl.col("p"), pl.lit(" "), pl.col("x"), pl.col("c")])
    text = frame.select(pl.when(pl.Series(english)).then(pl.col("en")).otherwise(korean)
                        .str.replace_all(r"\s+", " ").str.strip_chars().alias("text")).get_column("text")
    means = score_means or {}
    mu = np.array([means.get(t, 70.0) for t in names])[theme_idx]
    score = np.clip(np.round(rng.normal(mu, score_sd)), 0, 100)
    day = rng.integers(0, 28, size=n)
    first = np.array([_add_months(start, m) for m in range(months)], dtype="datetime64[D]")
    dates = first[month] + day.astype("timedelta64[D]")
    return pl.DataFrame({"text": text, "theme": theme, "lang": np.where(english, "en", "ko"),
                         "date": dates, "score": score})


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)
