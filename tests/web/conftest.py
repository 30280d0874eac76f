"""Fixtures of the web-shell tests: a small shop with known numbers, users of every role, Chromium.

The shop (all amounts in KRW)::

    HQ 본사 (company)
    └─ R1 수도권 (region)
       ├─ B01 강남점: C001 김민지, C002 이서준
       │    T1 2024-01-15 C001 store  10,000
       │    T2 2024-02-10 C001 online 20,000
       │    T3 2024-02-20 C002 store  30,000
       │    T0 2023-12-31 C001 store  99,000   (outside 2024)
       └─ B02 홍대점: C101 박지훈
            T4 2024-03-05 C101 store  50,000
            T5 2024-03-06 walk-in     5,000

so 2024 at HQ is 115,000 over 5 transactions and 3 active customers, and 2024 at B01 is
60,000 over 3 transactions and 2 active customers.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

PASSWORD = "web-shell-password-42"
ROLES = ("admin", "cs_manager", "analyst", "agent", "branch_manager")



def _build_shop():
    from cxm.customers.models import Channel, Customer, Transaction
    from cxm.org.models import OrgUnit, Period, User

    hq = OrgUnit.objects.create(code="HQ", name_ko="본사", name_en="Head office", kind="company")
    r1 = OrgUnit.objects.create(code="R1", name_ko="수도권", name_en="Capital area", kind="region", parent=hq)
    b01 = OrgUnit.objects.create(code="B01", name_ko="강남점", name_en="Gangnam", kind="branch", parent=r1)
    b02 = OrgUnit.objects.create(code="B02", name_ko="홍대점", name_en="Hongdae", kind="branch", parent=r1)

    periods = [Period(code="2024", kind="year", start=date(2024, 1, 1), end=date(2024, 12, 31),
                      label_ko="2024년", label_en="2024")]
    for q in range(1, 5):
        end_month = 3 * q
        end = date(2024, end_month + 1, 1).replace(day=1) if end_month < 12 else date(2025, 1, 1)
        periods.append(Period(code=f"2024-Q{q}", kind="quarter", start=date(2024, end_month - 2, 1),
                              end=date.fromordinal(end.toordinal() - 1),
                              label_ko=f"2024년 {q}분기", label_en=f"Q{q} 2024"))
    for m in range(1, 13):
        end = date(2024, m + 1, 1) if m < 12 else date(2025, 1, 1)
        periods.append(Period(code=f"2024-{m:02d}", kind="month", start=date(2024, m, 1),
                              end=date.fromordinal(end.toordinal() - 1),
                              label_ko=f"2024년 {m}월", label_en=date(2024, m, 1).strftime("%b 2024")))
    Period.objects.bulk_create(periods)

    store = Channel.objects.create(code="STORE", name_ko="매장", name_en="Store", kind="store")
    online = Channel.objects.create(code="ONLINE", name_ko="온라인", name_en="Online", kind="online")

    def customer(no, name, unit, **extra):
        return Customer.objects.create(customer_no=no, name=name, home_unit=unit, joined_on=date(2023, 6, 1),
                                       email=f"{no.lower()}@example.com", phone="010-0000-0000", **extra)

    c001 = customer("C001", "김민지", b01, consent_marketing=True, segment="VIP")
    c002 = customer("C002", "이서준", b01)
    c101 = customer("C101", "박지훈", b02)

    def txn(no, c, unit, channel, day, amount):
        return Transaction.objects.create(txn_no=no, customer=c, branch=unit, channel=channel,
                                          occurred_on=day, amount=amount, cost=amount * 6 // 10)

    txn("T0", c001, b01, store, date(2023, 12, 31), 99_000)
    txn("T1", c001, b01, store, date(2024, 1, 15), 10_000)
    txn("T2", c001, b01, online, date(2024, 2, 10), 20_000)
    txn("T3", c002, b01, store, date(2024, 2, 20), 30_000)
    txn("T4", c101, b02, store, date(2024, 3, 5), 50_000)
    txn("T5", None, b02, store, date(2024, 3, 6), 5_000)

    def user(role, *units, **extra):
        u = User.objects.create_user(username=f"web_{role}", password=PASSWORD, role=role,
                                     first_name=f"Test {role}", **extra)
        u.org_units.set(units)
        return u

    users = SimpleNamespace(
        admin=user(User.Role.ADMIN, is_staff=True),
        cs_manager=user(User.Role.CS_MANAGER, r1),
        analyst=user(User.Role.ANALYST),
        agent=user(User.Role.AGENT, b01),
        branch_manager=user(User.Role.BRANCH_MANAGER, b01),
    )
    return SimpleNamespace(hq=hq, r1=r1, b01=b01, b02=b02, store=store, online=online,
                           c001=c001, c002=c002, c101=c101, users=users, password=PASSWORD)


@pytest.fixture
def shop(db):
    return _build_shop()


@pytest.fixture
def live_shop(transactional_db):
    """The same shop, committed, so that the live server thread sees it."""
    return _build_shop()


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login
