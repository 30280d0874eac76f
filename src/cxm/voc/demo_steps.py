"""Demo data of the VOC: categories, SLA policies, Korean holidays, and two years of cases.

Planted (documented in :mod:`cxm.demo.truth`, effect (i)): delivery complaints are three
times as frequent in the slow-delivery region, so claim rates, keywords and topics find
"배송" / "늦다" there; a few complaints are still open and overdue, for the inbox.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import numpy as np

from cxm.demo import truth
from cxm.demo.steps import DemoContext, register

from .calendar import KOREAN_PUBLIC_HOLIDAYS
from .models import Case, CaseCategory, CaseEvent, Holiday, SlaPolicy
from .services import business_calendar

KST = timezone(timedelta(hours=9))
CATEGORIES = [  # code, ko, en, parent
    ("PRODUCT", "상품", "Product", None), ("SERVICE", "서비스", "Service", None),
    ("DELIVERY", "배송", "Delivery", None), ("AFTER", "사후 서비스", "After-sales", None),
    ("PRICE", "가격", "Price", None), ("IMAGE", "이미지", "Image", None),
    ("DELIVERY-LATE", "배송 지연", "Late delivery", "DELIVERY"), ("DELIVERY-DAMAGE", "파손", "Damaged", "DELIVERY"),
]
TEXTS = {
    "PRODUCT": ["상품 신선도가 떨어져요", "유통기한이 임박한 상품을 받았어요", "The product quality was poor"],
    "SERVICE": ["직원이 불친절했습니다", "계산 대기 시간이 너무 길어요", "The staff were rude"],
    "DELIVERY-LATE": ["배송이 너무 늦어요", "배송지연이 잦고 안내가 없어요", "Delivery was late again"],
    "DELIVERY-DAMAGE": ["배송된 상품이 파손되었어요", "포장이 엉망이라 상품이 깨졌어요", "The parcel arrived broken"],
    "AFTER": ["환불 처리가 너무 느려요", "교환 요청 후 연락이 없어요", "Nobody answered my refund request"],
    "PRICE": ["가격이 너무 비싸요", "할인 가격이 계산대에서 적용되지 않았어요", "Too expensive"],
    "IMAGE": ["광고와 실제가 달라요", "믿음이 가지 않아요", "Not what the ads promised"],
}
#: Base monthly complaint rate per branch, and the share of each category.
CASES_PER_BRANCH_MONTH = 6
CATEGORY_SHARE = {"PRODUCT": .2, "SERVICE": .22, "DELIVERY-LATE": .18, "DELIVERY-DAMAGE": .06, "AFTER": .14,
                  "PRICE": .12, "IMAGE": .08}
SLOW_REGION_DELIVERY_FACTOR = truth.VOC_SLOW_REGION_DELIVERY_FACTOR


def _reset(ctx: DemoContext) -> None:
    CaseEvent.objects.all().delete()
    Case.objects.all().delete()
    CaseCategory.objects.filter(parent__isnull=False).delete()
    CaseCategory.objects.all().delete()
    SlaPolicy.objects.all().delete()
    Holiday.objects.all().delete()


@register("cases", order=110, reset=_reset)
def cases_step(ctx: DemoContext) -> None:
    Holiday.objects.bulk_create([Holiday(day=d) for d in KOREAN_PUBLIC_HOLIDAYS])
    SlaPolicy.objects.bulk_create([
        SlaPolicy(kind=kind, severity=sev, business_hours=hours)
        for kind in Case.Kind.values
        for sev, hours in (("low", 72), ("medium", 24), ("high", 8), ("critical", 4))
    ])
    cats: dict[str, CaseCategory] = {}
    for code, ko, en, parent in CATEGORIES:  # eight categories
        cats[code] = CaseCategory.objects.create(code=code, name_ko=ko, name_en=en, parent=cats.get(parent))
    rng = ctx.rng("cases")
    branches = ctx.reference.branches
    months = np.arange(np.datetime64(truth.START, "M"), np.datetime64(truth.END, "M") + 1)
    codes = list(CATEGORY_SHARE)
    share = np.array([CATEGORY_SHARE[c] for c in codes])
    calendar = business_calendar()
    customers = ctx.customers
    rows: list[Case] = []
    number = 0
    for b in branches.iter_rows(named=True):  # 12 branches x 24 months of small Poisson draws
        slow = b["region"] == truth.SLOW_DELIVERY_REGION
        weights = share * np.where([slow and c.startswith("DELIVERY") for c in codes], SLOW_REGION_DELIVERY_FACTOR, 1.0)
        pool = (customers.filter(customers["home_branch_idx"] == b["branch_idx"])["id"].to_numpy()
                if customers is not None else np.array([], dtype=np.int64))
        for month in months:
            n = int(rng.poisson(CASES_PER_BRANCH_MONTH * weights.sum() / share.sum()))
            if not n:
                continue
            start = month.astype("datetime64[D]").item()
            days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(int)
            cat_idx = rng.choice(len(codes), n, p=weights / weights.sum())
            opened = [datetime.combine(start + timedelta(days=int(d)), time(int(h), int(mi)), KST)
                      for d, h, mi in zip(rng.integers(0, days, n), rng.integers(8, 21, n), rng.integers(0, 60, n))]
            variants = rng.integers(0, 3, n)
            known = rng.random(n) < 0.85
            for i in range(n):  # a few thousand cases in all
                code = codes[cat_idx[i]]
                number += 1
                text = TEXTS[code][variants[i]]
                opened_at = opened[i]
                due = calendar.add_working_minutes(opened_at, 24 * 60)
                resolved = opened_at + timedelta(hours=float(rng.gamma(2.0, 20.0 if not slow else 30.0)))
                recent = opened_at.date() > truth.END - timedelta(days=10)
                status = Case.Status.IN_PROGRESS if recent else Case.Status.CLOSED
                rows.append(Case(
                    number=f"V{opened_at:%Y}-{number:06d}", kind=Case.Kind.COMPLAINT,
                    channel=rng.choice(["call_centre", "web", "store", "social"], p=[.5, .25, .2, .05]),
                    customer_id=int(pool[rng.integers(0, len(pool))]) if known[i] and len(pool) else None,
                    org_unit_id=ctx.ids["org_unit"][b["code"]], category=cats[code], severity="medium",
                    status=status, subject=text[:60], description=text, opened_at=opened_at, due_at=due,
                    root_cause="" if recent else rng.choice(["people", "procedure", "facilities"]),
                    resolution="" if recent else "사과 및 조치 완료",
                    resolved_at=None if recent else resolved, closed_at=None if recent else resolved,
                    verdict="" if recent else rng.choice(["satisfied", "neutral", "dissatisfied"], p=[.6, .25, .15]),
                ))
    Case.objects.bulk_create(rows, batch_size=2000)
    ctx.add_count("case", len(rows))
