"""Varied customer texts for the demo: case descriptions and survey comments with known themes.

Each text is assembled from phrase pools of its theme (a case category or a survey
element): an optional opener, an optional topic-neutral product, a subject, a predicate,
an optional extra sentence and an optional closer, so that the same theme is said in many
ways (a few hundred variants per theme) and mining has something real to find. A share of
texts is in English. Everything is drawn with numpy and joined in polars (no Python loop
over texts). No Django here: the demo steps of ``voc`` and ``surveys`` both use it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["CASE_THEMES", "COMMENT_THEME", "INQUIRY_THEME", "PRAISE_THEME", "compose"]

#: theme -> (heads, extras, English sentences). A head is a group of subjects and the
#: predicates that fit them (every pairing within a group reads naturally). Korean first-class.
Pool = tuple[tuple[tuple[tuple[str, ...], tuple[str, ...]], ...], tuple[str, ...], tuple[str, ...]]
CASE_THEMES: dict[str, Pool] = {
    "DELIVERY-LATE": (
        ((("배송이", "택배가", "주문한 상품이", "온라인 주문 배송이", "새벽배송이", "택배 배송이"),
          ("너무 늦어요", "사흘이나 늦게 왔어요", "일주일째 도착하지 않았어요", "예정일보다 늦게 도착했어요",
           "계속 지연되고 있어요", "아직도 안 왔어요")),),
        ("배송 조회도 안 돼요.", "택배사 연락이 없어요.", "도착 예정일이 지났어요.", "배송지연 안내 문자도 없었어요.",
         "배송 기간이 너무 길어요.", ""),
        ("The delivery was very late.", "My parcel arrived a week late.", "Shipping is delayed again.",
         "The order still has not arrived."),
    ),
    "DELIVERY-DAMAGE": (
        ((("상자가", "배송된 상품이", "택배 포장이", "유리병이", "계란이"),
          ("파손되어 왔어요", "찌그러져서 도착했어요", "깨져서 왔어요", "엉망으로 왔어요")),),
        ("포장을 제대로 해 주세요.", "교환 요청합니다.", "사진 첨부합니다.", "완충재가 하나도 없었어요.", ""),
        ("The parcel arrived broken.", "The box was crushed and the bottle broke.", "Damaged packaging again."),
    ),
    "PRODUCT": (
        ((("우유가", "과일이", "채소가", "고기가", "빵이"),
          ("신선하지 않아요", "상했어요", "곰팡이가 피었어요", "맛이 이상해요")),
         (("상품이", "구매한 상품이", "진열된 상품이"),
          ("유통기한이 지났어요", "품질이 떨어져요", "불량품이었어요", "신선하지 않아요"))),
        ("반품하고 싶어요.", "품질 관리 부탁드립니다.", "진열 상품 점검이 필요해요.", "먹고 배탈이 났어요.", ""),
        ("The product quality was poor.", "The fruit was not fresh.", "The milk was past its date."),
    ),
    "SERVICE": (
        ((("계산대 직원이", "매장 직원이", "상담원이", "안내 직원이", "점원이"),
          ("불친절했어요", "무례하게 응대했어요", "퉁명스럽게 대답했어요", "반말을 했어요", "설명을 제대로 안 해줬어요")),),
        ("응대 태도가 불쾌했어요.", "직원 교육이 필요해요.", "계산 대기시간도 길어요.", "인사도 안 해요.", ""),
        ("The staff were rude.", "Unfriendly staff at the checkout.", "The clerk ignored my question."),
    ),
    "AFTER": (
        ((("환불이", "교환 처리가", "반품 접수가", "수리 접수가", "환불요청이"),
          ("너무 느려요", "2주째 처리되지 않았어요", "누락되었어요", "거절되었어요", "진행이 안 되고 있어요")),),
        ("연락을 준다더니 소식이 없어요.", "고객센터 연결이 안 돼요.", "처리 결과를 알려 주세요.",
         "담당자가 계속 바뀌어요.", ""),
        ("Nobody answered my refund request.", "The exchange has taken two weeks.", "My return was never processed."),
    ),
    "PRICE": (
        ((("할인 가격이", "쿠폰이", "행사 가격이", "포인트 적립이"),
          ("계산대에서 적용되지 않았어요", "영수증에 반영되지 않았어요")),
         (("가격이", "상품 가격이", "채소 가격이"),
          ("표시 가격과 달라요", "다른 매장보다 비싸요", "갑자기 올랐어요", "너무 비싸요"))),
        ("차액 환불 부탁드립니다.", "영수증 확인해 주세요.", "가격표 관리가 안 돼요.", "가성비가 떨어져요.", ""),
        ("Too expensive.", "The discount was not applied at the till.", "The shelf price was wrong."),
    ),
    "IMAGE": (
        ((("광고가", "전단 내용이", "홈페이지 안내가", "행사 안내가"),
          ("실제와 달라요", "과장되었어요", "믿음이 가지 않아요", "헷갈려요")),),
        ("신뢰가 떨어졌어요.", "정확한 정보를 주세요.", "실망했어요.", ""),
        ("Not what the ads promised.", "The flyer was misleading.", "I do not trust the promotions any more."),
    ),
}

#: Call-centre inquiries (settled in one call, mostly: the first-contact resolutions of the demo).
INQUIRY_THEME: Pool = (
    ((("영업시간", "주차 요금", "포인트 사용 방법", "배송 가능 지역", "회원 등급 기준", "주문 취소 방법",
       "상품 재입고 일정"),
      ("문의드립니다", "알려 주세요", "확인 부탁드립니다", "궁금합니다")),),
    ("전화로 안내받았어요.", "", "", "빠른 답변 감사합니다."),
    ("What are your opening hours?", "How do I use my points?", "Can I cancel my order?"),
)

#: Praise of happy respondents.
PRAISE_THEME: Pool = (
    ((("직원이", "계산대 직원이", "상담원이"), ("친절하고 좋아요", "항상 친절해요", "친절하게 안내해 줬어요")),
     (("매장이", "매장 분위기가", "진열대가"), ("깨끗하고 쾌적해요", "밝고 편안해요", "정리가 잘 되어 있어요"))),
    ("다음에도 방문할게요.", "추천하고 싶어요.", "기분 좋게 쇼핑했어요.", "감사합니다.", ""),
    ("Great service, thank you.", "Clean store and friendly staff.", "Always a pleasant visit."),
)

#: Survey element (retail CSI questionnaire) -> the case theme its complaints speak of.
COMMENT_THEME = {"A": "PRODUCT", "B": "SERVICE", "C": "DELIVERY-LATE", "D": "AFTER", "E": "PRICE"}
#: Themes whose texts may start with an ordered item ("라면 주문했는데 배송이 ...").
_ITEM_THEMES = ("DELIVERY-LATE", "DELIVERY-DAMAGE", "AFTER")
#: Themes that get openers and closers (complaints); inquiries and praise stay plain.
_PLAIN_THEMES = ("INQUIRY", "PRAISE")

_OPENERS = ("", "", "", "정말 ", "진짜 ", "이번에 ", "솔직히 ", "지난주에 ", "어제 ")
_ITEMS = ("", "", "", "생수 ", "라면 ", "세제 ", "과자 ", "커피 ", "김치 ", "샴푸 ", "기저귀 ", "참기름 ")
_CLOSERS = ("", "", "", " 개선 부탁드립니다.", " 실망했어요.", " 빠른 확인 부탁드려요.", " 참고해 주세요.")


def _heads(pool: Pool) -> np.ndarray:
    return np.array([f"{s} {p}" for subjects, predicates in pool[0] for s in subjects for p in predicates],
                    dtype=object)


def compose(themes: np.ndarray, rng: np.random.Generator, *, english: np.ndarray | None = None,
            pools: dict[str, Pool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A subject line and a full text for each row's theme.

    Parameters
    ----------
    themes : (n,) theme keys of ``pools``.
    rng : the random stream (the caller's own, so that its other draws stay unchanged).
    english : (n,) bool, rows written in English (default: none).
    pools : theme -> pool; default :data:`CASE_THEMES` plus ``"INQUIRY"`` and ``"PRAISE"``.

    Returns
    -------
    subjects, texts : two (n,) object arrays of str.
    """
    pools = pools or {**CASE_THEMES, "INQUIRY": INQUIRY_THEME, "PRAISE": PRAISE_THEME}
    themes = np.asarray(themes, dtype=object)
    n = themes.size
    unknown = set(themes.tolist()) - set(pools)
    if unknown:
        raise ValueError(f"unknown theme(s) {sorted(unknown)}")
    english = np.zeros(n, bool) if english is None else np.asarray(english, bool)

    def pick(options) -> np.ndarray:
        out = np.empty(n, dtype=object)
        for key, pool in pools.items():  # a handful of themes, not rows
            rows = np.flatnonzero(themes == key)
            values = np.asarray(options(pool), dtype=object)
            out[rows] = values[rng.integers(0, len(values), rows.size)]
        return out

    def anywhere(values: tuple[str, ...], allowed: np.ndarray) -> np.ndarray:
        drawn = np.array(values, dtype=object)[rng.integers(0, len(values), n)]
        return np.where(allowed, drawn, "")

    plain = np.isin(themes, _PLAIN_THEMES)
    items = anywhere(_ITEMS, np.isin(themes, _ITEM_THEMES))
    frame = pl.DataFrame({
        "o": anywhere(_OPENERS, ~plain), "i": np.where(items != "", items + "주문했는데 ", ""),
        "h": pick(_heads), "x": pick(lambda p: p[1]), "c": anywhere(_CLOSERS, ~plain), "en": pick(lambda p: p[2]),
        "english": english,
    }, schema={**{k: pl.String for k in ("o", "i", "h", "x", "c", "en")}, "english": pl.Boolean})
    text_ko = pl.concat_str([pl.col("o"), pl.col("i"), pl.col("h"), pl.lit(". "), pl.col("x"), pl.col("c")])
    out = frame.select(
        pl.when(pl.col("english")).then(pl.col("en")).otherwise(pl.col("h")).alias("subject"),
        pl.when(pl.col("english")).then(pl.col("en")).otherwise(text_ko)
        .str.replace_all(r"\s+", " ").str.strip_chars().alias("text"),
    )
    return out["subject"].to_numpy().astype(object), out["text"].to_numpy().astype(object)
