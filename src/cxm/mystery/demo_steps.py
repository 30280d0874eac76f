"""Demo data of mystery shopping: the store checklist and visits to every branch each quarter.

The truth (pass probabilities, the weak item in one region: planted effect (j)) is in
:mod:`cxm.demo.truth`; this step only draws from it, vectorised over visits x items.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np

from cxm.demo import truth
from cxm.demo.steps import DemoContext, register
from cxm.org.models import OrgUnit, Period

from .models import Checklist, ChecklistItem, Visit
from .services import checklist_import

CHECKLIST = Path(__file__).parent / "checklists" / "retail_store.yaml"
CHECKLIST_CODE = "retail-store"
AGENCIES = ("한국서비스품질평가원", "㈜리얼쇼퍼리서치")
SHOPPERS = ("김하늘", "이지은", "박서연", "최민준", "정다은", "한지호", "윤수빈", "오세훈", "Emily Park")
NOTES_GOOD = ("전반적으로 친절하고 매장이 깨끗했습니다.", "직원이 상품을 잘 알고 있었고 응대가 빨랐습니다.",
              "Friendly staff, quick checkout.")
NOTES_BAD = ("계산대 대기가 길었고 포인트 적립 안내가 없었습니다.", "직원이 인사하지 않았고 진열이 흐트러져 있었습니다.",
             "Nobody offered membership points at the till.")


def _reset(ctx: DemoContext) -> None:
    Visit.objects.all().delete()
    Checklist.objects.filter(code=CHECKLIST_CODE).delete()


@register("mystery", order=105, reset=_reset)
def mystery_step(ctx: DemoContext) -> None:
    """The retail checklist, then ``MYSTERY_VISITS_PER_BRANCH`` visits per branch and quarter."""
    checklist = checklist_import(source=CHECKLIST, code=CHECKLIST_CODE)
    items = list(ChecklistItem.objects.filter(section__checklist=checklist).order_by("section__order", "order"))
    rng = ctx.rng("mystery")
    branches = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).select_related("parent").order_by("path"))
    quarters = list(Period.objects.filter(code__in=truth.MYSTERY_QUARTERS).order_by("start"))
    if not branches or not quarters:
        return
    per = truth.MYSTERY_VISITS_PER_BRANCH
    n = len(branches) * len(quarters) * per
    # Visit v belongs to branch b_idx[v] and quarter q_idx[v].
    b_idx = np.repeat(np.arange(len(branches)), len(quarters) * per)
    q_idx = np.tile(np.repeat(np.arange(len(quarters)), per), len(branches))
    level = rng.normal(0.0, truth.MYSTERY_BRANCH_SD, len(branches))[b_idx]  # each branch's service level
    weak = np.array([b.parent is not None and b.parent.code == truth.MYSTERY_WEAK_REGION for b in branches])[b_idx]

    base = np.full((n, len(items)), truth.MYSTERY_PASS_PROBABILITY)
    weak_col = next(j for j, it in enumerate(items) if it.code == truth.MYSTERY_WEAK_ITEM)
    base[weak, weak_col] = truth.MYSTERY_WEAK_PASS_PROBABILITY
    logit = np.log(base / (1 - base)) + 2 * level[:, None] + rng.normal(0, 0.5, (n, len(items)))
    yes = rng.random((n, len(items))) < 1 / (1 + np.exp(-logit))
    lo = np.array([it.scale_min for it in items])
    hi = np.array([it.scale_max for it in items])
    scale = np.clip(np.rint(truth.MYSTERY_SCALE_MEAN + level[:, None]
                            + rng.normal(0, truth.MYSTERY_SCALE_SD, (n, len(items)))), lo, hi)
    is_scale = np.array([it.kind == ChecklistItem.Kind.SCALE for it in items])
    values = np.where(is_scale, scale, yes.astype(float))
    na = (rng.random((n, len(items))) < truth.MYSTERY_NA_SHARE) & np.array([it.allows_na for it in items])

    codes = [it.code for it in items]
    days = np.array([(q.end - q.start).days + 1 for q in quarters])[q_idx]
    offsets = (rng.random(n) * days).astype(int)
    shopper = rng.integers(0, len(SHOPPERS), n)
    agency = rng.integers(0, len(AGENCIES), n)
    note_pick = rng.integers(0, 3, n)
    passes = np.where(is_scale, (values - lo) / (hi - lo), values).mean(axis=1)
    visits = []
    for v in range(n):  # one Visit object per visit (a few hundred): the answers are a small dict each
        answers = {code: (None if na[v, j] else int(values[v, j])) for j, code in enumerate(codes)}
        quarter = quarters[q_idx[v]]
        notes = (NOTES_BAD if passes[v] < 0.75 else NOTES_GOOD)[note_pick[v]]
        visits.append(Visit(checklist=checklist, branch=branches[b_idx[v]], period=quarter,
                            visited_on=quarter.start + timedelta(days=int(offsets[v])),
                            shopper_name=SHOPPERS[shopper[v]], agency=AGENCIES[agency[v]], answers=answers,
                            notes=notes))
    Visit.objects.bulk_create(visits)
    ctx.add_count("mystery_checklist", 1)
    ctx.add_count("mystery_visit", n)
