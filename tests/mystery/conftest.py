"""A small mystery-shopping world on top of ``org_world``: two quarters, a checklist, visits.

Checklist ``store`` (hand-computable)::

    section GRT: G1 yes/no weight 2;  G2 scale 1-5
    section CHK: C1 yes/no, N/A allowed

Visits (2026-Q1 unless said)::

    X (B01): G1 yes, G2 5, C1 yes   -> 100
    X (B01): G1 no,  G2 3, C1 N/A   -> (0 + 0.5) / 3 = 16.67      => B01 = 58.33
    Y (B02): G1 yes, G2 1, C1 no    -> (2 + 0) / 4 = 50            => B02 = 50
    Z (B03): G1 yes, G2 4, C1 yes   -> (2 + .75 + 1) / 4 = 93.75   => B03 = 93.75
    X (B01) in 2025-Q4: G1 yes, G2 4, C1 no -> (2 + .75) / 4 = 68.75

so in 2026-Q1 region R1 (B01, B03) = (58.33 + 93.75) / 2 = 76.04 and HQ = (58.33 + 50 + 93.75) / 3.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

CHECKLIST_YAML = """
code: store
title: {ko: 매장 점검표, en: Store checklist}
sections:
  - code: GRT
    title: {ko: 인사, en: Greeting}
    items:
      - {code: G1, weight: 2, text: {ko: 먼저 인사했다, en: Greeted first}}
      - {code: G2, type: scale, scale: [1, 5], text: {ko: 친절했다, en: Was friendly}}
  - code: CHK
    title: {ko: 계산, en: Checkout}
    items:
      - {code: C1, na: true, text: {ko: 포인트 적립을 안내했다, en: Offered membership points}}
"""


@pytest.fixture
def mystery_world(org_world):
    from cxm.mystery.models import Visit
    from cxm.mystery.services import checklist_import
    from cxm.org.models import Period

    q4 = Period.objects.create(code="2025-Q4", kind="quarter", start=date(2025, 10, 1), end=date(2025, 12, 31),
                               label_ko="2025년 4분기", label_en="Q4 2025")
    q1 = Period.objects.create(code="2026-Q1", kind="quarter", start=date(2026, 1, 1), end=date(2026, 3, 31),
                               label_ko="2026년 1분기", label_en="Q1 2026")
    checklist = checklist_import(source=CHECKLIST_YAML)

    def visit(branch, period, day, answers, shopper="김하늘"):
        return Visit.objects.create(checklist=checklist, branch=branch, period=period, visited_on=day,
                                    shopper_name=shopper, agency="평가원", answers=answers)

    w = org_world
    visits = SimpleNamespace(
        x1=visit(w.x, q1, date(2026, 1, 10), {"G1": 1, "G2": 5, "C1": 1}),
        x2=visit(w.x, q1, date(2026, 2, 10), {"G1": 0, "G2": 3, "C1": None}),
        y1=visit(w.y, q1, date(2026, 1, 20), {"G1": 1, "G2": 1, "C1": 0}, shopper="이부산평가"),
        z1=visit(w.z, q1, date(2026, 3, 5), {"G1": 1, "G2": 4, "C1": 1}),
        x0=visit(w.x, q4, date(2025, 11, 3), {"G1": 1, "G2": 4, "C1": 0}),
    )
    return SimpleNamespace(world=w, q4=q4, q1=q1, checklist=checklist, visits=visits, users=w.users,
                           password=w.password)
