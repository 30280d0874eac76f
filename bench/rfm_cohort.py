"""Bench: RFM + cohort retention table + BTYD summary on 10,000,000 generated transactions.

Target (issue 6): under 15 s and peak memory under 4 GB. Each engine runs in a child
process (fresh interpreter) so its peak RSS (``ru_maxrss``) is its own:

* ``polars``: cxm.analytics.rfm.rfm_table + retention.cohort_retention +
  btyd.summary.customer_summary;
* ``ibis``: cxm.analytics.aggregate (ibis on embedded DuckDB) for the three aggregations,
  plus the polars quintile scoring / segments of rfm.rfm_scores;
* ``pandas``: a straightforward pandas implementation (groupby / rank / map) of the same
  three results, by default on the full data (it fits: ~2 GB); with ``--pandas-rows N``
  on an N-row data set (customers scaled alike) and its time extrapolated linearly to the
  full size (stated in the output; linear extrapolation flatters pandas, whose group-bys
  grow faster than linearly).

Data: numpy-generated, ~``--customers`` customers (1,000,000 by default; Zipf-like skew
so some buy often), dates over 2022-2024, integer KRW amounts. Generation time and memory
of the data are included in the child's peak RSS but not in the timed figure.

Run: ``.venv/bin/python bench/rfm_cohort.py [--rows 10000000] [--customers 1000000]``
"""

from __future__ import annotations

import argparse
import time

from _child import peak_rss_mb, report, run_child

AS_OF = "2024-12-31"


def generate(rows: int, customers: int, seed: int = 42):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    # skewed purchase propensity: customer id = floor(customers * u^2) -> low ids buy more
    cust = (customers * rng.random(rows) ** 2).astype(np.int64)
    start = np.datetime64("2022-01-01", "D")
    day = start + rng.integers(0, 1096, rows).astype("timedelta64[D]")
    amount = rng.lognormal(10.5, 0.8, rows).astype(np.int64)
    return pl.DataFrame({"customer": cust, "date": day, "amount": amount})


def run_polars(tx) -> dict:
    from cxm.analytics.btyd.summary import customer_summary
    from cxm.analytics.retention import cohort_retention
    from cxm.analytics.rfm import rfm_table

    t0 = time.perf_counter()
    rfm = rfm_table(tx, customer="customer", date="date", amount="amount", as_of=AS_OF)
    t1 = time.perf_counter()
    coh = cohort_retention(tx, customer="customer", date="date")
    t2 = time.perf_counter()
    summ = customer_summary(tx, customer="customer", date="date", amount="amount", calibration_end=AS_OF)
    t3 = time.perf_counter()
    return {"rfm_s": t1 - t0, "cohort_s": t2 - t1, "btyd_summary_s": t3 - t2, "total_s": t3 - t0,
            "customers": rfm.height, "cohort_rows": coh.height, "summary_rows": summ.height}


def run_ibis(tx) -> dict:
    from cxm.analytics.aggregate import btyd_summary_inputs, cohort_counts, connect, rfm_inputs
    from cxm.analytics.rfm import rfm_scores

    con = connect()
    t0 = time.perf_counter()
    rfm = rfm_scores(rfm_inputs(tx, customer="customer", date="date", amount="amount", as_of=AS_OF, con=con),
                     customer="customer")
    t1 = time.perf_counter()
    coh = cohort_counts(tx, customer="customer", date="date", con=con)
    t2 = time.perf_counter()
    summ = btyd_summary_inputs(tx, customer="customer", date="date", amount="amount", calibration_end=AS_OF, con=con)
    t3 = time.perf_counter()
    return {"rfm_s": t1 - t0, "cohort_s": t2 - t1, "btyd_summary_s": t3 - t2, "total_s": t3 - t0,
            "customers": rfm.height, "cohort_rows": coh.height, "summary_rows": summ.height}


def run_pandas(tx) -> dict:
    """Straightforward pandas: the obvious groupby code an analyst would write."""
    import numpy as np
    import pandas as pd

    df = tx.to_pandas()
    t0 = time.perf_counter()
    as_of = pd.Timestamp(AS_OF)
    d = df[df["date"] <= as_of]
    g = d.groupby("customer").agg(last=("date", "max"), frequency=("date", "size"), monetary=("amount", "sum"))
    g["recency"] = (as_of - g["last"]).dt.days
    n = len(g)
    for col, sign, name in (("recency", -1, "r_score"), ("frequency", 1, "f_score"), ("monetary", 1, "m_score")):
        rank = (sign * g[col]).rank(method="min").astype(np.int64)
        g[name] = 1 + (5 * (rank - 1)) // n
    grid = {(r, f): s for r, row in enumerate(_grid(), 1) for f, s in enumerate(row, 1)}
    g["segment"] = [grid[k] for k in zip(g["r_score"], g["f_score"])]
    t1 = time.perf_counter()
    m = df["date"].dt.year * 12 + df["date"].dt.month - 1
    act = pd.DataFrame({"customer": df["customer"], "m": m}).drop_duplicates()
    act["cohort"] = act.groupby("customer")["m"].transform("min")
    act["since"] = act["m"] - act["cohort"]
    coh = act.groupby(["cohort", "since"]).size().rename("active").reset_index()
    sizes = coh[coh["since"] == 0].set_index("cohort")["active"]
    coh["share"] = coh["active"] / coh["cohort"].map(sizes)
    t2 = time.perf_counter()
    per = d.groupby(["customer", "date"], as_index=False)["amount"].sum()
    s = per.sort_values(["customer", "date"]).groupby("customer").agg(
        first=("date", "min"), last=("date", "max"), n=("date", "size"), total=("amount", "sum"),
        first_amount=("amount", "first"))
    s["frequency"] = s["n"] - 1
    s["recency"] = (s["last"] - s["first"]).dt.days
    s["T"] = (as_of - s["first"]).dt.days
    s["monetary_value"] = np.where(s["n"] > 1, (s["total"] - s["first_amount"]) / (s["n"] - 1).clip(lower=1), 0.0)
    t3 = time.perf_counter()
    return {"rfm_s": t1 - t0, "cohort_s": t2 - t1, "btyd_summary_s": t3 - t2, "total_s": t3 - t0,
            "customers": len(g), "cohort_rows": len(coh), "summary_rows": len(s)}


def _grid():
    from cxm.analytics.rfm import SEGMENT_GRID

    return SEGMENT_GRID


def child(engine: str, rows: int, customers: int) -> None:
    t0 = time.perf_counter()
    tx = generate(rows, customers)
    gen_s = time.perf_counter() - t0
    out = {"polars": run_polars, "ibis": run_ibis, "pandas": run_pandas}[engine](tx)
    out.update(engine=engine, rows=rows, generate_s=gen_s, peak_rss_mb=peak_rss_mb())
    report(out)


def spawn(engine: str, rows: int, customers: int) -> dict:
    return run_child(__file__, engine, ["--rows", str(rows), "--customers", str(customers)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--pandas-rows", type=int, default=None, help="default: --rows (no extrapolation)")
    ap.add_argument("--engines", default="polars,ibis")
    ap.add_argument("--child", default=None)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.rows, a.customers)
        return
    results = [spawn(e, a.rows, a.customers) for e in a.engines.split(",") if e]
    pandas_rows = a.pandas_rows or a.rows
    scale = a.rows / pandas_rows
    pd_res = spawn("pandas", pandas_rows, max(1, round(a.customers / scale)))
    pandas_full = pd_res["total_s"] * scale
    for r in results:
        ok = "OK" if r["total_s"] < 15 and r["peak_rss_mb"] < 4096 else "MISSED"
        print(f"{r['engine']:7s} rows={r['rows']:,} customers={r['customers']:,}: "
              f"rfm {r['rfm_s']:.2f} s + cohort {r['cohort_s']:.2f} s + btyd summary {r['btyd_summary_s']:.2f} s "
              f"= {r['total_s']:.2f} s; peak RSS {r['peak_rss_mb']:.0f} MB (incl. data); "
              f"pandas/this = {pandas_full / r['total_s']:.1f}x  [{ok}: < 15 s, < 4096 MB]")
    print(f"pandas  rows={pd_res['rows']:,} (customers scaled to {max(1, round(a.customers / scale)):,}): "
          f"{pd_res['total_s']:.2f} s (rfm {pd_res['rfm_s']:.2f}, cohort {pd_res['cohort_s']:.2f}, "
          f"summary {pd_res['btyd_summary_s']:.2f}); linear extrapolation x{scale:g} -> {pandas_full:.1f} s; "
          f"peak RSS {pd_res['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
