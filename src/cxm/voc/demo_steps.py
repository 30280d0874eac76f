"""Demo data of the VOC: categories, SLA policies, Korean holidays, and two years of cases.

Planted (documented in :mod:`cxm.demo.truth`, effect (i)): delivery complaints are three
times as frequent in the slow-delivery region, so claim rates, keywords and topics find
"배송" / "늦다" there; a few complaints are still open and overdue, for the inbox.

Texts are varied sentences of each category's theme (:mod:`cxm.voc.demo_texts`), about
one in twelve in English. Call-centre inquiries, most settled within the call, carry the
first-contact resolutions (with call-centre complaints settled within two hours). About
:data:`REPEAT_SHARE` of the complaints of known customers come from a customer who
complained of the same category in the two months before, so claim recurrence is not zero.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import numpy as np

from cxm.demo import truth
from cxm.demo.steps import DemoContext, register

from .calendar import KOREAN_PUBLIC_HOLIDAYS
from .demo_texts import compose
from .models import Case, CaseCategory, CaseEvent, Holiday, SlaPolicy
from .services import business_calendar

KST = timezone(timedelta(hours=9))
CATEGORIES = [  # code, ko, en, parent
    ("PRODUCT", "상품", "Product", None), ("SERVICE", "서비스", "Service", None),
    ("DELIVERY", "배송", "Delivery", None), ("AFTER", "사후 서비스", "After-sales", None),
    ("PRICE", "가격", "Price", None), ("IMAGE", "이미지", "Image", None),
    ("DELIVERY-LATE", "배송 지연", "Late delivery", "DELIVERY"), ("DELIVERY-DAMAGE", "파손", "Damaged", "DELIVERY"),
]
#: Base monthly complaint rate per branch, and the share of each category.
CASES_PER_BRANCH_MONTH = 6
CATEGORY_SHARE = {"PRODUCT": .2, "SERVICE": .22, "DELIVERY-LATE": .18, "DELIVERY-DAMAGE": .06, "AFTER": .14,
                  "PRICE": .12, "IMAGE": .08}
SLOW_REGION_DELIVERY_FACTOR = truth.VOC_SLOW_REGION_DELIVERY_FACTOR
ENGLISH_SHARE = 0.08  # texts written in English
INQUIRIES_PER_BRANCH_MONTH = 3  # call-centre inquiries
INQUIRY_FCR_SHARE = 0.75  # inquiries answered within the call (first-contact resolution)
REPEAT_SHARE = 0.12  # complaints by a customer who complained of the same category in the last two months


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
    text_rng = ctx.rng("case-texts")  # own stream: the case draws below stay as they were
    rows: list[Case] = []
    themes: list[str] = []  # each complaint's category code, for its text (composed at once below)
    number = 0
    for b in branches.iter_rows(named=True):  # 12 branches x 24 months of small Poisson draws
        slow = b["region"] == truth.SLOW_DELIVERY_REGION
        weights = share * np.where([slow and c.startswith("DELIVERY") for c in codes], SLOW_REGION_DELIVERY_FACTOR, 1.0)
        pool = (customers.filter(customers["home_branch_idx"] == b["branch_idx"])["id"].to_numpy()
                if customers is not None else np.array([], dtype=np.int64))
        recent_claimants: dict[str, list[tuple[int, int]]] = {}  # category -> (month, customer)
        for m_index, month in enumerate(months):
            n = int(rng.poisson(CASES_PER_BRANCH_MONTH * weights.sum() / share.sum()))
            if not n:
                continue
            start = month.astype("datetime64[D]").item()
            days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(int)
            cat_idx = rng.choice(len(codes), n, p=weights / weights.sum())
            opened = [datetime.combine(start + timedelta(days=int(d)), time(int(h), int(mi)), KST)
                      for d, h, mi in zip(rng.integers(0, days, n), rng.integers(8, 21, n), rng.integers(0, 60, n))]
            rng.integers(0, 3, n)  # formerly the text variant; drawn to keep the stream unchanged
            known = rng.random(n) < 0.85
            for i in range(n):  # a few thousand cases in all
                code = codes[cat_idx[i]]
                number += 1
                themes.append(code)
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
                    status=status, subject="", description="", opened_at=opened_at, due_at=due,
                    root_cause="" if recent else rng.choice(["people", "procedure", "facilities"]),
                    resolution="" if recent else "사과 및 조치 완료",
                    resolved_at=None if recent else resolved, closed_at=None if recent else resolved,
                    verdict="" if recent else rng.choice(["satisfied", "neutral", "dissatisfied"], p=[.6, .25, .15]),
                ))
                case = rows[-1]
                # Planted recurrence: some complaints come back from the same customer and category.
                earlier = [c for m, c in recent_claimants.get(code, []) if m >= m_index - 2]
                if case.customer_id is not None and earlier and text_rng.random() < REPEAT_SHARE:
                    case.customer_id = earlier[int(text_rng.integers(0, len(earlier)))]
                if case.customer_id is not None:
                    recent_claimants.setdefault(code, []).append((m_index, case.customer_id))
                # A call-centre complaint settled within two hours counts as resolved at first contact.
                case.first_contact_resolution = bool(case.channel == "call_centre" and case.resolved_at is not None
                                                     and case.resolved_at - opened_at <= timedelta(hours=2))
    subjects, texts = compose(np.asarray(themes, dtype=object), text_rng,
                              english=text_rng.random(len(themes)) < ENGLISH_SHARE)
    for case, subject, text in zip(rows, subjects, texts):
        case.subject, case.description = subject[:60], text
    rows.extend(_inquiries(ctx, first_number=number, calendar=calendar))
    Case.objects.bulk_create(rows, batch_size=2000)
    ctx.add_count("case", len(rows))


def _inquiries(ctx: DemoContext, *, first_number: int, calendar) -> list[Case]:
    """Call-centre inquiries: most answered within the call (first-contact resolution, minutes),
    the rest called back within a day or two."""
    rng = ctx.rng("case-inquiries")
    branches = ctx.reference.branches
    days = (truth.END - truth.START).days + 1
    per_branch = rng.poisson(INQUIRIES_PER_BRANCH_MONTH * days / 30.4, branches.height)
    codes = np.repeat(np.asarray(branches["code"].to_list(), dtype=object), per_branch)
    n = codes.size
    day = rng.integers(0, days, n)
    minute = rng.integers(9 * 60, 18 * 60, n)  # office hours of the call centre, KST
    fcr = rng.random(n) < INQUIRY_FCR_SHARE
    minutes = np.where(fcr, rng.integers(3, 20, n), np.rint(rng.gamma(2.0, 360.0, n)) + 30).astype(int)
    subjects, texts = compose(np.full(n, "INQUIRY", dtype=object), rng, english=rng.random(n) < ENGLISH_SHARE)
    recent_from = truth.END - timedelta(days=3)
    out = []
    for i in range(n):  # a few hundred inquiries
        opened_at = datetime.combine(truth.START + timedelta(days=int(day[i])), time(0), KST) \
            + timedelta(minutes=int(minute[i]))
        open_now = opened_at.date() > recent_from and not fcr[i]
        resolved_at = None if open_now else opened_at + timedelta(minutes=int(minutes[i]))
        out.append(Case(
            number=f"Q{opened_at:%Y}-{first_number + i + 1:06d}", kind=Case.Kind.INQUIRY,
            channel=Case.Channel.CALL_CENTRE, org_unit_id=ctx.ids["org_unit"][codes[i]], severity="low",
            status=Case.Status.IN_PROGRESS if open_now else Case.Status.CLOSED, subject=subjects[i][:60],
            description=texts[i], opened_at=opened_at,
            due_at=calendar.add_working_minutes(opened_at, 72 * 60),
            resolution="" if open_now else "전화로 안내 완료", resolved_at=resolved_at, closed_at=resolved_at,
            first_contact_resolution=bool(fcr[i]), verdict="" if open_now else "satisfied",
        ))
    return out
