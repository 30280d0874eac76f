"""Cross-sell rules: hand-counted baskets, mlxtend side by side, ordered "bought next" counts, recommendations."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from cxm.analytics.crosssell import RECOMMEND_COLUMNS, RULE_COLUMNS, CrossSell, association_rules

# five customers: {a,b,c}, {a,b}, {a,b,c}, {c,d}, {a}; dates make the order of first purchases known
ROWS = [(1, "a", "2025-01-01"), (1, "b", "2025-01-05"), (1, "c", "2025-01-05"), (1, "a", "2025-02-01"),
        (2, "a", "2025-02-01"), (2, "b", "2025-01-01"), (3, "b", "2025-01-01"), (3, "c", "2025-01-02"),
        (3, "a", "2025-01-03"), (4, "c", "2025-01-01"), (4, "d", "2025-01-01"), (5, "a", "2025-01-01")]


@pytest.fixture
def tx():
    return pl.DataFrame(ROWS, schema=["c", "p", "d"], orient="row")


def _rule(rules, a, b):
    return rules.filter((pl.col("antecedent") == a) & (pl.col("consequent") == b)).to_dicts()[0]


def test_support_confidence_and_lift_match_the_hand_count(tx):
    m = CrossSell().fit(tx, customer="c", product="p")
    assert m.n_baskets_ == 5 and m.products_.to_list() == ["a", "b", "c", "d"]
    assert m.item_counts_.tolist() == [4, 3, 3, 1]
    assert m.rules_.columns == list(RULE_COLUMNS)
    ab = _rule(m.rules_, "a", "b")  # 3 of 5 baskets hold a and b; 4 hold a, 3 hold b
    assert (ab["count"], ab["support"], ab["confidence"], ab["lift"]) == (3, 0.6, 0.75, pytest.approx(0.75 / 0.6))
    dc = _rule(m.rules_, "d", "c")
    assert (dc["confidence"], dc["lift"]) == (1.0, pytest.approx(5 / 3))
    assert m.rules_.height == 8  # a-b, a-c, b-c, c-d both ways; no a-d or b-d
    assert m.rules_.row(0)[:2] in {("d", "c"), ("c", "d")}  # highest lift first


def test_rules_agree_with_mlxtend_on_random_baskets():
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(4)
    n = 3_000
    cust = rng.integers(0, 400, n)
    prod = (rng.zipf(1.6, n) % 15).astype(np.int64)
    tx = pl.DataFrame({"c": cust, "p": prod})
    ours = association_rules(tx, customer="c", product="p", min_support=0.05)
    onehot = pd.crosstab(cust, prod).gt(0)
    freq = mlx.apriori(onehot, min_support=0.05, use_colnames=True, max_len=2)
    ref = mlx.association_rules(freq, metric="confidence", min_threshold=0.0)
    ref = pl.DataFrame({"antecedent": [next(iter(s)) for s in ref["antecedents"]],
                        "consequent": [next(iter(s)) for s in ref["consequents"]],
                        "support_ref": ref["support"].to_numpy(), "confidence_ref": ref["confidence"].to_numpy(),
                        "lift_ref": ref["lift"].to_numpy()}).with_columns(pl.col("antecedent", "consequent").cast(pl.Int64))
    both = ours.join(ref, on=["antecedent", "consequent"], how="full", coalesce=True)
    assert both.height == ours.height == ref.height > 20
    for col in ("support", "confidence", "lift"):
        assert both[col].to_numpy() == pytest.approx(both[f"{col}_ref"].to_numpy(), rel=1e-12)


def test_bought_next_counts_first_purchases_on_later_days(tx):
    m = CrossSell(sequential=True).fit(tx, customer="c", product="p", date="d")
    # 1: a then b, c (same day: no b-c); 2: b then a; 3: b then c then a; 4: c, d the same day
    counts = {(r["antecedent"], r["consequent"]): r["count"] for r in m.rules_.to_dicts()}
    assert counts == {("a", "b"): 1, ("a", "c"): 1, ("b", "a"): 2, ("b", "c"): 1, ("c", "a"): 1}
    ba = _rule(m.rules_, "b", "a")
    assert (ba["confidence"], ba["lift"]) == (pytest.approx(2 / 3), pytest.approx((2 / 3) / (4 / 5)))


def test_thresholds_drop_rules_below_min_count_and_min_support(tx):
    assert set(CrossSell(min_count=2).fit(tx, customer="c", product="p").rules_["count"]) == {2, 3}
    assert CrossSell(min_support=0.5).fit(tx, customer="c", product="p").rules_["support"].min() == 0.6


def test_recommend_excludes_owned_products_and_keeps_lift_above_one(tx):
    m = CrossSell().fit(tx, customer="c", product="p")
    rec = m.recommend(["c"], top=5)
    # rules from c: c->d (lift 5/3), c->b (10/9), c->a (5/6: below chance, dropped)
    assert rec.columns == list(RECOMMEND_COLUMNS)
    assert rec["product"].to_list() == ["b", "d"]  # ranked by confidence: 2/3 then 1/3
    assert m.recommend(["a", "b", "c"], top=5)["product"].to_list() == ["d"]
    assert m.recommend(["zz"], top=5).height == 0  # unknown products are ignored


def test_recommend_all_equals_recommend_customer_by_customer(tx):
    m = CrossSell().fit(tx, customer="c", product="p")
    everyone = m.recommend_all(tx, customer="c", product="p", top=2, min_lift=0.0)
    for c in range(1, 6):
        owned = tx.filter(pl.col("c") == c)["p"].to_list()
        mine = everyone.filter(pl.col("c") == c).drop("c")
        assert mine.equals(m.recommend(owned, top=2, min_lift=0.0))


def _planted(seed=0, n=4_000):
    """Random baskets of 40 products; 60 % of P07's buyers buy P23 some days later."""
    rng = np.random.default_rng(seed)
    k = rng.poisson(3.0, n) + 1
    cust = np.repeat(np.arange(n), k)
    prod = rng.integers(0, 40, cust.size)
    day = rng.integers(0, 300, cust.size)
    has7 = np.zeros(n, dtype=bool)
    has7[cust[prod == 7]] = True
    first7 = np.full(n, 10_000)
    np.minimum.at(first7, cust[prod == 7], day[prod == 7])
    extra = np.flatnonzero(has7 & (rng.random(n) < 0.6))
    cust = np.concatenate([cust, extra])
    prod = np.concatenate([prod, np.full(extra.size, 23)])
    day = np.concatenate([day, first7[extra] + rng.integers(1, 30, extra.size)])
    start = dt.date(2025, 1, 1)
    return pl.DataFrame({"c": cust, "p": [f"P{q:02d}" for q in prod],
                         "d": [start + dt.timedelta(days=int(x)) for x in day]})


def test_a_planted_pair_is_found_and_recommended():
    tx = _planted()
    m = CrossSell(min_count=30).fit(tx, customer="c", product="p")
    assert set(m.rules_.row(0)[:2]) == {"P07", "P23"} and m.rules_["lift"][0] > 2
    assert m.recommend(["P07", "P01"], top=3)["product"][0] == "P23"


def test_a_planted_order_shows_in_bought_next_rules():
    m = CrossSell(sequential=True).fit(_planted(), customer="c", product="p", date="d")
    forward, backward = _rule(m.rules_, "P07", "P23"), _rule(m.rules_, "P23", "P07")
    assert forward["count"] > 3 * backward["count"]
    i, j = m.products_.index_of("P07"), m.products_.index_of("P23")
    assert (m.pair_counts_[i, j], m.pair_counts_[j, i]) == (forward["count"], backward["count"])
    assert m.rules(min_count=30).row(0)[:2] == ("P07", "P23")


def test_recommendations_on_the_demo_never_repeat_an_owned_product():
    # The demo plants no product affinity (src/cxm/demo/truth.py); this checks the mechanics
    # on realistically shaped baskets: 2,000 customers, 59 products.
    from cxm.demo.generator import DemoSpec, generate

    demo = generate(DemoSpec(seed=42, n_customers=2_000))
    lines = demo.lines.join(demo.transactions.select("txn_idx", "customer_idx"), on="txn_idx")
    m = CrossSell(min_count=5).fit(lines, customer="customer_idx", product="product_idx")
    rec = m.recommend_all(lines, customer="customer_idx", product="product_idx", top=3)
    owned = lines.select("customer_idx", pl.col("product_idx").alias("product")).unique()
    assert rec.join(owned, on=["customer_idx", "product"], how="semi").height == 0
    assert rec.group_by("customer_idx").len()["len"].max() == 3 and (rec["lift"] > 1).all()


@pytest.mark.parametrize("block, dense_max", [(20_000_000, 4_000_000), (50, 4_000_000), (50, 0)])
def test_bought_next_counts_equal_a_plain_python_count_in_every_block_layout(monkeypatch, block, dense_max):
    import cxm.analytics.crosssell as cs

    monkeypatch.setattr(cs, "_PAIR_BLOCK", block)  # many small blocks of customers
    monkeypatch.setattr(cs, "_DENSE_MAX", dense_max)  # 0: the sparse accumulation
    rng = np.random.default_rng(9)
    n = 600
    tx = pl.DataFrame({"c": rng.integers(0, 80, n), "p": rng.integers(0, 12, n), "d": rng.integers(0, 40, n)})
    tx = tx.with_columns((pl.lit(dt.date(2025, 1, 1)) + pl.duration(days=pl.col("d"))).alias("d"))
    first = {}
    for c, p, d in tx.iter_rows():
        first[(c, p)] = min(first.get((c, p), d), d)
    expected = {}
    for (c, a), da in first.items():
        for (c2, b), db in first.items():
            if c == c2 and da < db:
                expected[(a, b)] = expected.get((a, b), 0) + 1
    m = cs.CrossSell(sequential=True).fit(tx, customer="c", product="p", date="d")
    assert {(r["antecedent"], r["consequent"]): r["count"] for r in m.rules_.to_dicts()} == expected
