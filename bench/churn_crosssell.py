"""Bench: churn features + fit + time holdout, and cross-sell co-occurrence, on 10,000,000 transactions.

Each engine runs in a child process (fresh interpreter) so its peak RSS (``ru_maxrss``) is
its own:

* ``cxm``: cxm.analytics.churn.holdout_validate (polars features and labels at two
  cutoffs, ChurnClassifier logistic fit, test metrics), then
  cxm.analytics.crosssell.CrossSell (binary customer x product CSR matrix, ``X.T @ X``,
  rules) and, unless ``--no-next``, the ordered "bought next" counts;
* ``pandas``: a straightforward pandas implementation of the same results: groupby
  features and labels at the two cutoffs, the *same* scikit-learn pipeline
  (ChurnClassifier) fitted on them, the same metrics; cross-sell by the obvious
  self-merge of the (customer, product) pairs on customer and a groupby of the pairs.
  The pandas cross-sell runs on ``--pandas-rows`` rows (customers scaled alike, so the
  basket sizes keep their distribution) and its time is extrapolated linearly to the full
  size (stated in the output): the self-merge of the full data needs ~100 M rows.

Wall-clock and CPU seconds (``time.process_time``, all threads of the child) are both
printed: on a busy machine the CPU figures compare the implementations more fairly.

Data: numpy-generated, ``--customers`` customers (1,000,000) and ``--rows`` transactions
(10,000,000) over 2022-2024, skewed so some customers buy often; every customer is active
from a join day for an exponential lifetime (mean 400 days), so churn is learnable; 500
products in 10 taste clusters of 50 (80 % of a customer's purchases from their cluster,
popular products first), so co-occurrence has structure. Generation is not timed.

Run: ``.venv/bin/python bench/churn_crosssell.py [--rows 10000000] [--customers 1000000]``
"""

from __future__ import annotations

import argparse
import time

from _child import peak_rss_mb, report, run_child

CUTOFF, HORIZON = "2024-07-04", 90  # t1 = 2024-10-02, t1 + H = 2024-12-31 (the last day)


def generate(rows: int, customers: int, seed: int = 42):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    cust = (customers * rng.random(rows) ** 1.5).astype(np.int64)  # low ids buy more often
    join = rng.integers(0, 1000, customers)
    span = np.clip(rng.exponential(400.0, customers), 1.0, 1096 - join)  # day index 1095 = 2024-12-31
    day = np.datetime64("2022-01-01", "D") + (join[cust] + rng.random(rows) * span[cust]).astype("timedelta64[D]")
    cluster = rng.integers(0, 10, customers)
    product = np.where(rng.random(rows) < 0.8, 50 * cluster[cust] + (50 * rng.random(rows) ** 2).astype(np.int64),
                       rng.integers(0, 500, rows))
    amount = rng.lognormal(10.5, 0.8, rows).astype(np.int64)
    return pl.DataFrame({"customer": cust, "date": day, "amount": amount, "product": product})


def run_cxm(tx, sequential: bool) -> dict:
    from cxm.analytics.churn import holdout_validate
    from cxm.analytics.crosssell import CrossSell

    t0, c0 = time.perf_counter(), time.process_time()
    res = holdout_validate(tx, customer="customer", date="date", amount="amount", cutoff=CUTOFF,
                           horizon_days=HORIZON)
    t1, c1 = time.perf_counter(), time.process_time()
    cs = CrossSell(min_count=10).fit(tx, customer="customer", product="product")
    t2, c2 = time.perf_counter(), time.process_time()
    out = {"churn_s": t1 - t0, "crosssell_s": t2 - t1, "churn_cpu_s": c1 - c0, "crosssell_cpu_s": c2 - c1,
           "auc": res.auc, "brier": res.brier, "lift": res.top_decile_lift, "n_train": res.n_train,
           "n_test": res.n_test, "rules": cs.rules_.height, "pairs": int(cs.pair_counts_.sum())}
    if sequential:
        seq = CrossSell(min_count=10, sequential=True).fit(tx, customer="customer", product="product", date="date")
        out.update(next_s=time.perf_counter() - t2, next_cpu_s=time.process_time() - c2, next_rules=seq.rules_.height)
    return out


def _pandas_features(df, cutoff, w):
    import numpy as np
    import pandas as pd

    d = df[df["date"] <= cutoff]
    g = d.groupby("customer").agg(first=("date", "min"), last=("date", "max"), frequency=("date", "size"),
                                  ndays=("date", "nunique"), monetary=("amount", "sum"))
    recent = d[d["date"] > cutoff - w]
    prev = d[(d["date"] > cutoff - 2 * w) & (d["date"] <= cutoff - w)]
    g["nr"] = recent.groupby("customer").size()
    g["np"] = prev.groupby("customer").size()
    g["ar"] = recent.groupby("customer")["amount"].sum()
    g["ap"] = prev.groupby("customer")["amount"].sum()
    g[["nr", "np", "ar", "ap"]] = g[["nr", "np", "ar", "ap"]].fillna(0.0)
    g["recency_days"] = (cutoff - g["last"]).dt.days.astype(float)
    g["tenure_days"] = (cutoff - g["first"]).dt.days.astype(float)
    g["ipt_mean"] = np.where(g["ndays"] > 1, (g["last"] - g["first"]).dt.days / (g["ndays"] - 1).clip(lower=1), np.nan)
    g["ipt_overdue"] = g["recency_days"] / g["ipt_mean"].clip(lower=1.0)
    tot = g["nr"] + g["np"]
    g["count_trend"] = np.where(tot > 0, (g["nr"] - g["np"]) / tot.where(tot > 0, 1), 0.0)
    g["avg_amount"] = g["monetary"] / g["frequency"]
    tot = g["ar"] + g["ap"]
    g["spend_trend"] = np.where(tot > 0, (g["ar"] - g["ap"]) / tot.where(tot > 0, 1), 0.0)
    fut = df.loc[(df["date"] > cutoff) & (df["date"] <= cutoff + pd.Timedelta(days=HORIZON)), "customer"].unique()
    g["churned"] = ~g.index.isin(fut)
    cols = ["recency_days", "frequency", "tenure_days", "ipt_mean", "ipt_overdue", "count_trend", "monetary",
            "avg_amount", "spend_trend"]
    return g[cols].astype(float), g["churned"].to_numpy()


def run_pandas(tx, cs_tx) -> dict:
    """Straightforward pandas: the obvious groupby / merge code an analyst would write."""
    import pandas as pd

    from cxm.analytics.churn import ChurnClassifier, auc_score, brier_score, calibration_table, top_decile_lift

    df = tx.to_pandas()
    t0, cpu0 = time.perf_counter(), time.process_time()
    w = pd.Timedelta(days=HORIZON)
    c0 = pd.Timestamp(CUTOFF)
    x_train, y_train = _pandas_features(df, c0, w)
    x_test, y_test = _pandas_features(df, c0 + w, w)
    t_prep = time.perf_counter()
    clf = ChurnClassifier().fit(x_train.to_numpy(), y_train)
    p = clf.churn_probability(x_test.to_numpy())
    auc, brier = auc_score(y_test, p), brier_score(y_test, p)
    calibration_table(y_test, p)
    top_decile_lift(y_test, p)
    t1, cpu1 = time.perf_counter(), time.process_time()
    cdf = cs_tx.select("customer", "product").to_pandas()
    t2, cpu2 = time.perf_counter(), time.process_time()
    pairs = cdf.drop_duplicates()
    n = pairs["customer"].nunique()
    item = pairs.groupby("product").size()
    m = pairs.merge(pairs, on="customer")
    m = m[m["product_x"] != m["product_y"]]
    rules = m.groupby(["product_x", "product_y"]).size().rename("count").reset_index()
    rules = rules[rules["count"] >= 10]
    rules["support"] = rules["count"] / n
    rules["confidence"] = rules["count"] / rules["product_x"].map(item)
    rules["lift"] = rules["confidence"] / (rules["product_y"].map(item) / n)
    rules = rules.sort_values(["lift", "confidence"], ascending=False)
    t3, cpu3 = time.perf_counter(), time.process_time()
    return {"churn_s": t1 - t0, "churn_prep_s": t_prep - t0, "crosssell_s": t3 - t2, "churn_cpu_s": cpu1 - cpu0,
            "crosssell_cpu_s": cpu3 - cpu2, "auc": auc, "brier": brier,
            "n_train": len(y_train), "n_test": len(y_test), "rules": len(rules), "crosssell_rows": cs_tx.height}


def child(engine: str, rows: int, customers: int, pandas_rows: int, sequential: bool) -> None:
    import sklearn.impute  # noqa: F401  (imports are not timed, for either engine)
    import sklearn.linear_model  # noqa: F401
    import sklearn.pipeline  # noqa: F401
    import sklearn.preprocessing  # noqa: F401

    tx = generate(rows, customers)
    if engine == "cxm":
        out = run_cxm(tx, sequential)
    else:
        scale = rows / pandas_rows
        cs_tx = tx if pandas_rows >= rows else generate(pandas_rows, max(1, round(customers / scale)))
        out = run_pandas(tx, cs_tx)
    out.update(engine=engine, rows=rows, peak_rss_mb=peak_rss_mb())
    report(out)


def spawn(engine: str, a) -> dict:
    return run_child(__file__, engine, ["--rows", str(a.rows), "--customers", str(a.customers),
                                        "--pandas-rows", str(a.pandas_rows)] + ([] if a.next else ["--no-next"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--pandas-rows", type=int, default=2_000_000,
                    help="rows of the pandas cross-sell run (time extrapolated linearly to --rows)")
    ap.add_argument("--next", action=argparse.BooleanOptionalAction, default=True,
                    help="also time the ordered 'bought next' counts (cxm only)")
    ap.add_argument("--child", default=None)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.rows, a.customers, a.pandas_rows, a.next)
        return
    ours = spawn("cxm", a)
    pd_res = spawn("pandas", a)
    scale = a.rows / min(a.pandas_rows, a.rows)
    pd_cs_full = pd_res["crosssell_s"] * scale
    print(f"cxm     rows={a.rows:,} customers={a.customers:,}: churn features + labels at two cutoffs + logistic "
          f"fit + holdout metrics {ours['churn_s']:.2f} s (n_train {ours['n_train']:,}, n_test {ours['n_test']:,}, "
          f"AUC {ours['auc']:.4f}, Brier {ours['brier']:.4f}, top-decile lift {ours['lift']:.2f}); "
          f"co-occurrence X.T@X + rules {ours['crosssell_s']:.2f} s ({ours['rules']:,} rules with count >= 10)"
          + (f"; bought-next counts {ours['next_s']:.2f} s ({ours['next_rules']:,} rules)" if "next_s" in ours else "")
          + f"; peak RSS {ours['peak_rss_mb']:.0f} MB (incl. data)")
    print(f"pandas  churn {pd_res['churn_s']:.2f} s (of which groupby features + labels {pd_res['churn_prep_s']:.2f} s; "
          f"AUC {pd_res['auc']:.4f}); cross-sell self-merge on {pd_res['crosssell_rows']:,} rows "
          f"{pd_res['crosssell_s']:.2f} s, linear extrapolation x{scale:g} -> {pd_cs_full:.1f} s "
          f"({pd_res['rules']:,} rules); peak RSS {pd_res['peak_rss_mb']:.0f} MB")
    print(f"ratio   pandas/cxm: churn {pd_res['churn_s'] / ours['churn_s']:.1f}x, "
          f"cross-sell {pd_cs_full / ours['crosssell_s']:.1f}x")
    # CPU seconds (all threads of the process): a fairer comparison on a busy machine
    print(f"cpu     cxm: churn {ours['churn_cpu_s']:.1f} s, cross-sell {ours['crosssell_cpu_s']:.1f} s"
          + (f", bought-next {ours['next_cpu_s']:.1f} s" if "next_cpu_s" in ours else "")
          + f"; pandas: churn {pd_res['churn_cpu_s']:.1f} s, cross-sell {pd_res['crosssell_cpu_s'] * scale:.1f} s "
          f"(extrapolated)")


if __name__ == "__main__":
    main()
