"""Bench: BG/NBD fit, cxm vs lifetimes, on CDNOW (2,357 customers) and 1,000,000 simulated customers.

Targets (issue 6): CDNOW at least 3x faster than lifetimes; 1,000,000 customers under 2 s.

    .venv/bin/python bench/btyd_bgnbd.py [--customers 1000000] [--skip-lifetimes-large]

The simulated customers follow the BG/NBD story with r=0.5, alpha=5, a=0.8, b=2.5 (weeks),
acquired uniformly over a year, with event times recorded in whole days (as a
transaction table would give them), so ``T`` and ``recency`` are multiples of 1/7 week.
The timed cxm fit includes the unique-row compression.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np


def simulate(n: int, r: float, alpha: float, a: float, b: float, seed: int = 1):
    """BG/NBD summaries, vectorised: x = min(N(T), J), t_x = the x-th of N(T) uniform times."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T_days = rng.integers(1, 366, n)
    T = T_days / 7.0
    n_poisson = rng.poisson(lam * T)  # purchases an immortal customer would make in (0, T]
    dropout_after = rng.geometric(p)  # the customer leaves right after this repeat purchase
    x = np.minimum(n_poisson, dropout_after)
    # the x-th order statistic of N uniforms on (0, T) is T * Beta(x, N - x + 1)
    safe_x = np.maximum(x, 1)
    frac = rng.beta(safe_x, n_poisson - safe_x + 1 + (x == 0))
    t_x_days = np.where(x > 0, np.floor(frac * T_days), 0)
    return x.astype(float), t_x_days / 7.0, T


def timed(fn, repeat: int) -> float:
    """Median wall-clock seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_timed(fn, repeat: int) -> float:
    """Median CPU seconds (all threads of this process) of ``repeat`` runs: robust to a busy machine."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--skip-lifetimes-large", action="store_true", help="do not fit lifetimes on the large set")
    args = parser.parse_args()

    from cxm.analytics.btyd.bgnbd import BetaGeoModel

    warnings.simplefilter("ignore")
    try:
        import lifetimes
        from lifetimes.datasets import load_cdnow_summary
    except ImportError:  # pragma: no cover - lifetimes is a test extra
        raise SystemExit("install lifetimes (test extra) to run the comparison")

    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    d = load_cdnow_summary(index_col=[0])
    x, t_x, T = (d[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    ours = timed(lambda: BetaGeoModel().fit(x, t_x, T), 7)
    theirs = timed(lambda: lifetimes.BetaGeoFitter().fit(x, t_x, T), 3)
    m = BetaGeoModel().fit(x, t_x, T)
    print(f"CDNOW 2,357 customers: cxm {ours * 1000:.1f} ms, lifetimes {theirs * 1000:.1f} ms, "
          f"ratio {theirs / ours:.1f}x (target >= 3x); LL {m.loglik_:.2f}")

    n = args.customers
    sx, st_x, sT = simulate(n, 0.5, 5.0, 0.8, 2.5)
    ours_big = timed(lambda: BetaGeoModel().fit(sx, st_x, sT), 3)
    ours_big_cpu = cpu_timed(lambda: BetaGeoModel().fit(sx, st_x, sT), 3)
    big = BetaGeoModel().fit(sx, st_x, sT)
    rows = big._fit_data[1].size
    params = ", ".join(f"{k}={v:.3f}" for k, v in big.params_.items())
    print(f"{n:,} simulated customers ({rows:,} unique rows): cxm {ours_big:.2f} s wall, "
          f"{ours_big_cpu:.2f} s CPU (target < 2 s); "
          f"fitted {params} (truth r=0.5, alpha=5, a=0.8, b=2.5); converged={big.converged_}")
    if not args.skip_lifetimes_large:
        start = time.perf_counter()
        lifetimes.BetaGeoFitter().fit(sx, st_x, sT)
        lt_big = time.perf_counter() - start
        print(f"{n:,} simulated customers: lifetimes {lt_big:.2f} s, ratio {lt_big / ours_big:.1f}x")


if __name__ == "__main__":
    main()
