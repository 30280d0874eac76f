"""A scored shop for the customer analytics tests.

``org_world`` (tests/conftest.py: branches X = B01, Y = B02, Z = B03, a user of every role)
plus 80 generated customers per branch with a year of BG/NBD purchases (seeded, so every run is
the same), scored at 2025-12-31 by ``scores_compute``. Y's customers are named "와이..."
so a page that leaks them is easy to spot. Purchases are of six products bought mostly in a
sequence (A, B, C, ... : the k-th purchase is usually product k mod 6), so "bought next" rules
exist; one purchase a branch falls on the as-of date, so the churn labels reach it.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

AS_OF = date(2025, 12, 31)
PER_BRANCH = 80


def build_scored_world(world):
    from cxm.crm.services import scores_compute
    from cxm.customers.models import Customer, Product, Transaction, TransactionLine

    rng = np.random.default_rng(7)
    products = [Product.objects.create(sku=f"XS-{k}", name_ko=f"상품{k}", name_en=f"Product {k}", category="sample",
                                       unit_price=1000, unit_cost=600) for k in "ABCDEF"]
    pick = np.random.default_rng(11)  # a separate stream: the purchases themselves stay as they were
    product_of: dict[str, Product] = {}
    customers, txns = [], []
    for unit, prefix, name in [(world.x, "GX", "김엑스"), (world.y, "GY", "와이부산"), (world.z, "GZ", "박제트")]:
        for i in range(PER_BRANCH):
            joined = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 300)))
            customers.append(Customer(customer_no=f"{prefix}{i:03d}", name=f"{name}{i}", home_unit=unit,
                                      joined_on=joined, email=f"{prefix.lower()}{i}@example.com"))
    Customer.objects.bulk_create(customers)
    customers = list(Customer.objects.filter(customer_no__regex=r"^G[XYZ]").select_related("home_unit"))
    n = 0
    for c in customers:
        # A BG/NBD buyer (rate ~ Gamma, dropout after each purchase ~ Beta), so the fit is well posed.
        days = (AS_OF - c.joined_on).days
        rate, p_drop = rng.gamma(1.5, 1 / 40.0), rng.beta(2.0, 8.0)  # purchases per day
        offsets, t = [0], 0.0
        while rng.random() >= p_drop:
            t += rng.exponential(1 / rate)
            if t > days:
                break
            offsets.append(int(t))
        for k, off in enumerate(offsets):
            n += 1
            product_of[f"GT{n:05d}"] = products[k % 6 if pick.random() < 0.7 else int(pick.integers(0, 6))]
            amount = int(rng.integers(10, 200)) * 1000
            cost = int(amount * rng.uniform(0.55, 1.1))  # some sales lose money
            txns.append(Transaction(txn_no=f"GT{n:05d}", customer=c, branch=c.home_unit, channel=world.channel,
                                    occurred_on=c.joined_on + timedelta(days=off), amount=amount, cost=cost))
    # one sale after the as-of date: scores at AS_OF must ignore it
    txns.append(Transaction(txn_no="GT-LATE", customer=customers[0], branch=customers[0].home_unit,
                            channel=world.channel, occurred_on=AS_OF + timedelta(days=3), amount=999_000, cost=1))
    # one purchase a branch on the as-of date: the data reach it (the churn labels need that)
    for i, c in enumerate(customers[1::PER_BRANCH]):
        txns.append(Transaction(txn_no=f"GT-END{i}", customer=c, branch=c.home_unit, channel=world.channel,
                                occurred_on=AS_OF, amount=50_000, cost=30_000))
        product_of[f"GT-END{i}"] = products[5]
    Transaction.objects.bulk_create(txns)
    lines = [TransactionLine(transaction=t, product=product_of.get(t.txn_no, world.product), quantity=1,
                             amount=t.amount, cost=t.cost)
             for t in Transaction.objects.filter(txn_no__startswith="GT")]
    TransactionLine.objects.bulk_create(lines)
    run = scores_compute(as_of=AS_OF, user=world.users.admin)
    return SimpleNamespace(world=world, run=run, as_of=AS_OF, products=products)


@pytest.fixture
def scored(org_world):
    return build_scored_world(org_world)
