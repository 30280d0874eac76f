"""Demo data of the survey store: the questionnaire and four waves of answers with planted effects.

The truth (element means, importance, the slow-delivery region, the competitor's profile)
is in :mod:`cxm.demo.truth`; this step only draws from it. Respondents are drawn per wave
and branch (48 small groups); everything per respondent is vectorised.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl

from cxm.demo import truth
from cxm.demo.steps import DemoContext, register
from cxm.org.models import Period

from .models import Questionnaire, Response, SurveyLink, Wave
from .services import questionnaire_import

QUESTIONNAIRE = Path(__file__).parent / "questionnaires" / "retail_csi.yaml"
KST = timezone(timedelta(hours=9))
COMPETITORS = ("바른마트", "대한마트", "온누리몰")
# Anonymous respondents tick one of the customers' own segments (cxm.customers.segments), so
# the CSI breakdown by segment has one vocabulary, named in both languages.
SEGMENTS = ("family", "single", "senior")
CHANNEL_SHARES = {"STORE": 0.6, "ONLINE": 0.25, "APP": 0.1, "PHONE": 0.05}

# Comments for a respondent's worst element (Korean first-class; a few in English).
COMPLAINTS = {
    "A": ["상품 신선도가 떨어져요", "원하는 상품이 자주 품절이에요", "Product quality was poor"],
    "B": ["직원이 불친절했습니다", "계산 대기 시간이 너무 길어요", "Staff were rude at the checkout"],
    "C": ["배송이 너무 늦어요", "배송지연이 잦고 안내가 없어요", "Delivery was late again"],
    "D": ["환불 처리가 너무 느려요", "불만 접수 후 연락이 없어요", "Nobody answered my complaint"],
    "E": ["가격에 비해 가치가 없어요", "광고와 실제가 달라요", "Too expensive for what you get"],
}
PRAISE = ["항상 친절하고 좋아요", "배송이 빨라서 만족합니다", "Great service, thank you"]


def _wave_periods(ctx: DemoContext) -> dict[str, Period]:
    codes = (*truth.SURVEY_WAVES, truth.SURVEY_OPEN_WAVE)
    quarters = {p.code: p for p in Period.objects.filter(code__in=codes)}
    periods = {}
    for code in codes:  # five waves
        q = quarters[code]
        periods[code] = Period.objects.create(
            code=f"W{code}", kind=Period.Kind.WAVE, start=q.start, end=q.end,
            label_ko=f"{q.label_ko} 고객만족도 조사", label_en=f"Customer survey {q.label_en}",
        )
    ctx.add_count("period", len(periods))
    return periods


def _reset(ctx: DemoContext) -> None:
    Response.objects.all().delete()
    SurveyLink.objects.all().delete()
    Wave.objects.all().delete()
    Questionnaire.objects.filter(code="retail-csi").delete()
    Period.objects.filter(kind=Period.Kind.WAVE).delete()


@register("surveys", order=100, reset=_reset)
def surveys_step(ctx: DemoContext) -> None:
    """The retail CSI questionnaire, five waves with a public link per branch, answers to the first four."""
    q = questionnaire_import(code="retail-csi", source=QUESTIONNAIRE)
    parsed = q.parsed()
    periods = _wave_periods(ctx)
    waves = [Wave.objects.create(code=code, questionnaire=q, period=periods[code], opens_on=periods[code].start,
                                 closes_on=periods[code].end) for code in (*truth.SURVEY_WAVES, truth.SURVEY_OPEN_WAVE)]
    branches = ctx.reference.branches
    unit_ids = ctx.ids["org_unit"]
    rng = ctx.rng("surveys")
    SurveyLink.objects.bulk_create([
        SurveyLink(wave=w, org_unit_id=unit_ids[code], token=_token(rng))
        for w in waves for code in branches["code"].to_list()
    ])
    frame = _respondents(ctx, rng, waves[:len(truth.SURVEY_WAVES)])
    answers = _answers(rng, parsed, frame)
    rows = pl.concat([frame, answers], how="horizontal")
    base = ctx.writer.max_id(Response)
    ctx.writer.write(Response, rows.select(
        pl.Series("id", np.arange(base + 1, base + 1 + rows.height, dtype=np.int64)),
        "wave_id", "org_unit_id", "channel_id", "customer_id", "segment", "language", "submitted_at",
        "answers", "comments", "competitor_name",
    ))
    ctx.writer.reset_sequences([Response])
    ctx.add_count("survey_response", rows.height)


def _token(rng: np.random.Generator) -> str:
    return rng.bytes(24).hex()[:43]


def _respondents(ctx: DemoContext, rng: np.random.Generator, waves: list[Wave]) -> pl.DataFrame:
    """Who answered: per wave and branch, customers of the branch (or anonymous visitors)."""
    branches = ctx.reference.branches
    customers = ctx.customers.filter(pl.col("n_transactions") > 0) if ctx.customers is not None else None
    unit_ids, channel_ids = ctx.ids["org_unit"], ctx.ids["channel"]
    channel_codes = [c for c in CHANNEL_SHARES if c in channel_ids]
    shares = np.array([CHANNEL_SHARES[c] for c in channel_codes])
    parts = []
    for w_index, wave in enumerate(waves):  # 4 waves x 12 branches: loops over groups, not rows
        for b in branches.iter_rows(named=True):
            n = int(rng.poisson(truth.SURVEY_RESPONSES_PER_BRANCH))
            pool = (customers.filter(pl.col("home_branch_idx") == b["branch_idx"])
                    if customers is not None else pl.DataFrame())
            identified = rng.random(n) < truth.SURVEY_IDENTIFIED_SHARE if pool.height else np.zeros(n, bool)
            picks = rng.integers(0, max(pool.height, 1), n)
            customer_id = np.where(identified, pool["id"].to_numpy()[picks] if pool.height else 0, 0)
            segment = np.where(identified, pool["segment"].to_numpy()[picks] if pool.height else "",
                               np.asarray(SEGMENTS)[rng.integers(0, len(SEGMENTS), n)])
            day = rng.integers(0, (wave.closes_on - wave.opens_on).days + 1, n)
            seconds = rng.integers(9 * 3600, 21 * 3600, n)
            parts.append(pl.DataFrame({
                "wave_index": np.full(n, w_index, np.int32),
                "wave_id": np.full(n, wave.id, np.int64),
                "region": np.full(n, b["region"]),
                "org_unit_id": np.full(n, unit_ids[b["code"]], np.int64),
                "channel_code": np.asarray(channel_codes)[rng.choice(len(channel_codes), n, p=shares / shares.sum())],
                "customer_id": pl.Series(customer_id, dtype=pl.Int64),
                "segment": segment.astype(str),
                "submitted_at": [datetime.combine(wave.opens_on, time(0), KST) + timedelta(days=int(d), seconds=int(s))
                                 for d, s in zip(day, seconds, strict=True)] if n else [],
            }, schema_overrides={"submitted_at": pl.Datetime("us", "UTC")}))
    frame = pl.concat(parts)
    return frame.with_columns(
        pl.when(pl.col("customer_id") > 0).then(pl.col("customer_id")).otherwise(None).alias("customer_id"),
        pl.col("channel_code").replace_strict(channel_ids, return_dtype=pl.Int64).alias("channel_id"),
    )


def _scale_round(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.clip(np.rint(x), lo, hi)


def _answers(rng: np.random.Generator, parsed, frame: pl.DataFrame) -> pl.DataFrame:
    """Answers (JSON), comments (JSON), competitor and language per respondent; vectorised."""
    n = frame.height
    codes = [e.code for e in parsed.elements]
    mood = rng.normal(0, truth.SURVEY_MOOD_SD, n)
    wave = frame["wave_index"].to_numpy()
    slow = frame["region"].to_numpy() == truth.SLOW_DELIVERY_REGION
    store = frame["channel_code"].to_numpy() == "STORE"
    shift_c = truth.SLOW_DELIVERY_SATISFACTION_SHIFT / 100 * 4  # 0-100 points -> the 1-5 scale
    theta = {}
    for e in codes:  # five elements
        theta[e] = (truth.SURVEY_ELEMENT_MEANS[e] + truth.SURVEY_WAVE_TREND[e] * wave + mood
                    + rng.normal(0, truth.SURVEY_ELEMENT_SD, n) + np.where(slow & (e == "C"), shift_c, 0.0))
    columns: dict[str, np.ndarray] = {}
    competitor = rng.random(n) < truth.SURVEY_COMPETITOR_SHARE
    for element in parsed.elements:
        skip = (rng.random(n) < truth.SURVEY_STORE_SKIPS_DELIVERY) & store if element.code == "C" else np.zeros(n, bool)
        for item in element.items:
            lo, hi = item.scale
            value = _scale_round(theta[element.code] + rng.normal(0, truth.SURVEY_ITEM_SD, n), lo, hi)
            missing = skip | (rng.random(n) < truth.SURVEY_MISSING_SHARE)
            columns[item.code] = np.where(missing, np.nan, value)
            comp = _scale_round(theta[element.code] + truth.SURVEY_COMPETITOR_SHIFT[element.code]
                                + rng.normal(0, truth.SURVEY_ITEM_SD + 0.2, n), lo, hi)
            columns[f"{parsed.competitor_prefix}{item.code}"] = np.where(competitor & ~missing, comp, np.nan)
    weighted = sum(truth.SURVEY_IMPORTANCE[e] * theta[e] for e in codes)
    overall_latent = 1 + 6 * (weighted - 1) / 4 + rng.normal(0, truth.SURVEY_ITEM_SD, n)
    columns[parsed.overall.code] = _scale_round(overall_latent, *parsed.overall.scale)
    comp_weighted = sum(truth.SURVEY_IMPORTANCE[e] * (theta[e] + truth.SURVEY_COMPETITOR_SHIFT[e]) for e in codes)
    comp_overall = _scale_round(1 + 6 * (comp_weighted - 1) / 4 + rng.normal(0, 0.6, n), *parsed.overall.scale)
    columns[f"{parsed.competitor_prefix}{parsed.overall.code}"] = np.where(competitor, comp_overall, np.nan)
    columns[parsed.retention.code] = _scale_round(1 + (overall_latent - 1) * 4 / 6 + rng.normal(0, 0.5, n),
                                                  *parsed.retention.scale)
    columns[parsed.recommend.code] = _scale_round((overall_latent - 1) * 10 / 6 + rng.normal(0, 1.0, n),
                                                  *parsed.recommend.scale)
    answers = pl.DataFrame(columns).with_columns(pl.all().fill_nan(None).cast(pl.Int64))
    answers_json = answers.select(pl.struct(pl.all()).struct.json_encode().alias("answers"))["answers"]
    # JSON nulls are dropped: a blank answer is an absent key, as the public form stores it.
    answers_json = [json.dumps({k: v for k, v in json.loads(s).items() if v is not None}, ensure_ascii=False)
                    for s in answers_json.to_list()]

    # Comments: the worst element of unhappy respondents, praise from happy ones.
    scores = np.column_stack([theta[e] for e in codes])
    worst = scores.argmin(axis=1)
    unhappy = (scores.min(axis=1) < 2.6) & (rng.random(n) < 0.5)
    happy = (columns[parsed.overall.code] >= 6) & (rng.random(n) < 0.15)
    english = rng.random(n) < 0.05
    rng.integers(0, 2, n)  # formerly the text variant; drawn to keep the stream unchanged
    # Varied sentences of the worst element's theme (cxm.voc.demo_texts), drawn from their own
    # stream (seeded by n: same demo, same texts) so that the draws here stay as they were.
    from cxm.voc.demo_texts import COMMENT_THEME, compose

    themes = np.where(unhappy, np.asarray([COMMENT_THEME.get(c, "PRODUCT") for c in codes], dtype=object)[worst],
                      "PRAISE")
    _subjects, texts = compose(themes, np.random.default_rng(n), english=english)
    comments = []
    for i in range(n):  # builds ~7,000 small JSON texts; the draws above are vectorised
        if unhappy[i]:
            comments.append(json.dumps({codes[worst[i]]: texts[i]}, ensure_ascii=False))
        elif happy[i]:
            comments.append(json.dumps({"overall": texts[i]}, ensure_ascii=False))
        else:
            comments.append("{}")
    names = np.asarray(COMPETITORS)[rng.integers(0, len(COMPETITORS), n)]
    return pl.DataFrame({
        "answers": answers_json,
        "comments": comments,
        "competitor_name": np.where(competitor, names, ""),
        "language": np.where(english, "en", "ko"),
    })
