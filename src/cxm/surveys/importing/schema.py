"""The columns of a response file: respondent attributes, comments, and the questionnaire's items.

The item fields are named by item code (competitor items by prefix + code), so a file whose
headers are the item codes maps itself; ``ITEM=Column`` overrides that, as ``field=Column``
does for the other imports. The attributes carry the usual Korean and English headers.
"""

from __future__ import annotations

from cxm.analytics.questionnaire import Item, Questionnaire
from cxm.customers.importing.schema import EntitySchema, Field, Kind

COMMENT_MAX = 2000

ATTRIBUTES: tuple[Field, ...] = (
    Field("respondent_id", max_length=64,
          aliases=("id", "응답자", "응답자id", "응답자번호", "respondent", "respid", "resp_id", "respondent id")),
    # Room for a branch *name*: an SPSS value label may name the branch rather than code it.
    Field("branch", required=True, max_length=120,
          aliases=("지점", "지점코드", "지점명", "매장", "매장코드", "branch code", "store")),
    Field("segment", max_length=40, aliases=("세그먼트", "고객등급", "등급", "고객구분")),
    Field("channel", max_length=80, aliases=("채널", "응답채널", "이용채널")),
    Field("customer_no", max_length=32, aliases=("고객번호", "고객코드", "customer number", "customer id")),
    Field("submitted_on", Kind.DATE, not_future=True,
          aliases=("응답일", "응답일자", "조사일", "조사일자", "response date", "date")),
    Field("language", Kind.CHOICE, default="ko", aliases=("언어", "응답언어", "lang"),
          choices={"ko": "ko", "en": "en", "korean": "ko", "english": "en", "한국어": "ko", "영어": "en"}),
    Field("competitor_name", max_length=80, aliases=("경쟁사", "경쟁사명", "competitor")),
    Field("comment", max_length=COMMENT_MAX,
          aliases=("comment_overall", "comments", "의견", "기타의견", "종합의견")),
)


def rated_items(questionnaire: Questionnaire) -> tuple[Item, ...]:
    """Every item a file may answer: the questionnaire's, then the competitor block's."""
    return questionnaire.items + questionnaire.competitor_items()


def comment_fields(questionnaire: Questionnaire) -> dict[str, str]:
    """Comment field -> key in :attr:`Response.comments` (``"overall"`` or an element code)."""
    return {"comment": "overall", **{f"comment_{e.code}": e.code for e in questionnaire.elements}}


def response_schema(questionnaire: Questionnaire) -> EntitySchema:
    """All fields of a response file for ``questionnaire`` (attributes first, then items).

    Raises
    ------
    ValueError
        If an item code is also an attribute name (the file's columns would be ambiguous).
    """
    attributes = ATTRIBUTES + tuple(Field(f"comment_{e.code}", max_length=COMMENT_MAX) for e in questionnaire.elements)
    items = tuple(Field(i.code) for i in rated_items(questionnaire))
    clash = {f.name for f in attributes} & {f.name for f in items}
    if clash:
        raise ValueError(f"item codes that are also respondent attributes: {sorted(clash)}")
    return EntitySchema(entity="responses", key="respondent_id", fields=attributes + items)


def attribute_schema(questionnaire: Questionnaire) -> EntitySchema:
    """The attribute and comment fields only (the items are checked against their scales)."""
    full = response_schema(questionnaire)
    codes = {i.code for i in rated_items(questionnaire)}
    return EntitySchema(entity="responses", key="respondent_id", fields=tuple(f for f in full.fields
                                                                              if f.name not in codes))
