"""Benchmark: generate and load the demo company at scale into SQLite and PostgreSQL.

Target (issue 3): 1,000,000 customers / about 10,000,000 transactions loaded in under
10 minutes and under 2 GB of memory on the 2-core benchmark machine, for each database.

    python bench/demo_scale.py                 # full scale (--scale 50), all targets
    python bench/demo_scale.py --scale 5       # a tenth of it
    python bench/demo_scale.py --target sqlite --scale 50

Every measurement runs in its own child process, so that the peak resident memory
(``ru_maxrss``) of each is its own:

- ``baseline``: generation only, the same chunks, no database (the floor the loads are
  compared with: "ratio to baseline" = load time / generation time);
- ``sqlite``: a fresh SQLite file, migrated, then ``load_demo``;
- ``postgres``: a throwaway PostgreSQL server (:class:`cxm.devtools.pgserver.ThrowawayPostgres`),
  migrated, then ``load_demo``. The server's own memory is not the loader's and is not
  counted.

Bench-only settings, documented because they trade durability for speed: on SQLite the
load runs with ``PRAGMA journal_mode=OFF`` and ``synchronous=OFF`` (a fresh file that is
thrown away; a crash simply means re-running), and the throwaway PostgreSQL server runs
with ``fsync`` off (its ``-F`` start option). The loader itself is unchanged: one
transaction, executemany / COPY in batches, secondary indexes (and PostgreSQL foreign keys)
rebuilt after the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 600.0
TARGET_RSS_MB = 2048.0
BASE_CUSTOMERS = 20_000


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _emit(record: dict) -> None:
    print("RESULT " + json.dumps(record), flush=True)


def child_baseline(n_customers: int, seed: int) -> None:
    """Generate every chunk (as the loader does) without touching a database."""
    from cxm.demo.generator import DemoSpec, iter_chunks

    started = time.perf_counter()
    rows = {"customer": 0, "transaction": 0, "transaction_line": 0}
    for chunk in iter_chunks(DemoSpec(seed=seed, n_customers=n_customers)):
        rows["customer"] += chunk.customers.height
        rows["transaction"] += chunk.transactions.height
        rows["transaction_line"] += chunk.lines.height
    _emit({"target": "baseline", "seconds": time.perf_counter() - started, "rows": rows, "rss_mb": _peak_rss_mb()})


def child_load(target: str, n_customers: int, seed: int, progress: bool) -> None:
    """Migrate the database named by DATABASE_URL and load the demo into it."""
    from cxm.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from cxm.demo.loader import load_demo

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Bench only (see the module docstring): a throwaway file needs no journal.
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
    result = load_demo(seed=seed, n_customers=n_customers, progress=progress)
    record = {
        "target": target,
        "seconds": result.seconds,
        "migrate_seconds": migrate_seconds,
        "rows": {k: result.counts[k] for k in ("customer", "transaction", "transaction_line")},
        "rss_mb": _peak_rss_mb(),
    }
    if connection.vendor == "sqlite":
        record["db_mb"] = Path(connection.settings_dict["NAME"]).stat().st_size / 2**20
    _emit(record)


def _run_child(target: str, args: argparse.Namespace, env: dict[str, str]) -> dict:
    cmd = [sys.executable, __file__, "--child", "--target", target, "--scale", str(args.scale), "--seed", str(args.seed)]
    if args.progress:
        cmd.append("--progress")
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    records = [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not records:
        raise SystemExit(f"{target}: child failed with exit code {proc.returncode}\n{proc.stdout}")
    record = records[-1]
    record["wall_seconds"] = wall
    return record


def _report(records: list[dict], n_customers: int) -> None:
    baseline = next((r for r in records if r["target"] == "baseline"), None)
    print()
    print(f"demo at {n_customers:,} customers (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    header = f"{'target':<9} {'seconds':>8} {'rows':>12} {'rows/s':>10} {'peak RSS MB':>11} " \
             f"{'time/10min':>10} {'RSS/2GB':>8} {'x baseline':>10}"
    print(header)
    print("-" * len(header))
    for r in records:
        rows = sum(r["rows"].values())
        ratio = r["seconds"] / baseline["seconds"] if baseline else float("nan")
        print(f"{r['target']:<9} {r['seconds']:8.1f} {rows:12,} {rows / r['seconds']:10,.0f} {r['rss_mb']:11.0f} "
              f"{r['seconds'] / TARGET_SECONDS:10.2f} {r['rss_mb'] / TARGET_RSS_MB:8.2f} {ratio:10.2f}")
    for r in records:
        detail = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        extra = f"; migrate {r['migrate_seconds']:.1f} s" if "migrate_seconds" in r else ""
        extra += f"; file {r['db_mb']:,.0f} MB" if "db_mb" in r else ""
        print(f"  {r['target']}: {detail}{extra}")
    loads = [r for r in records if r["target"] != "baseline"]
    ok = all(r["seconds"] < TARGET_SECONDS and r["rss_mb"] < TARGET_RSS_MB for r in loads)
    print(f"target (< {TARGET_SECONDS:.0f} s and < {TARGET_RSS_MB:.0f} MB each): {'met' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=50.0, help="x 20,000 customers (50 = 1,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--target", choices=["all", "baseline", "sqlite", "postgres"], default="all")
    parser.add_argument("--progress", action="store_true", help="progress bars on stderr")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n_customers = max(1, round(BASE_CUSTOMERS * args.scale))

    if args.child:
        if args.target == "baseline":
            child_baseline(n_customers, args.seed)
        else:
            child_load(args.target, n_customers, args.seed, args.progress)
        return

    targets = ["baseline", "sqlite", "postgres"] if args.target == "all" else [args.target]
    records = []
    for target in targets:
        env = dict(os.environ)
        if target == "sqlite":
            tmp = tempfile.TemporaryDirectory(prefix="cxm-bench-")
            env.update(CXM_DATA_DIR=tmp.name, DATABASE_URL=f"sqlite:///{tmp.name}/bench.sqlite3")
            try:
                records.append(_run_child(target, args, env))
            finally:
                tmp.cleanup()
        elif target == "postgres":
            from cxm.devtools.pgserver import ThrowawayPostgres

            server = ThrowawayPostgres.start()
            try:
                env["DATABASE_URL"] = server.url
                records.append(_run_child(target, args, env))
            finally:
                server.stop()
        else:
            records.append(_run_child(target, args, env))
        print(f"{target}: {records[-1]['seconds']:.1f} s, peak RSS {records[-1]['rss_mb']:.0f} MB", flush=True)
    _report(records, n_customers)


if __name__ == "__main__":
    main()
