"""Benchmark: score a wave of 200,000 stored responses from the database into the page's numbers.

Target (issue 4): under 10 seconds on this 2-core machine, from the query to the CSI report
with a 1,000-resample bootstrap. Baseline, measured in the same run: the same report from
the same answers already in memory (no database), so the ratio is the cost of the store.

    python bench/csi_store.py [--n 200000] [--database-url postgresql://...]

Runs against a fresh SQLite file in a temporary directory unless --database-url is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cxm-bench-"))
    os.environ["CXM_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    from cxm.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import numpy as np
    from django.utils import timezone

    from cxm.analytics.report import csi_report
    from cxm.org.models import OrgUnit, User
    from cxm.surveys.demo_steps import QUESTIONNAIRE
    from cxm.surveys.models import Response, Wave
    from cxm.surveys.reports import wave_result
    from cxm.surveys.selectors import wave_frame
    from cxm.surveys.services import questionnaire_import

    hq = OrgUnit.objects.create(code="HQ", name_ko="본사", kind="company")
    branches = [OrgUnit.objects.create(code=f"B{i:02d}", name_ko=f"지점{i}", kind="branch", parent=hq) for i in range(12)]
    q = questionnaire_import(code="bench", source=QUESTIONNAIRE)
    today = timezone.localdate()
    wave = Wave.objects.create(code="BENCH", questionnaire=q, opens_on=today, closes_on=today)
    admin = User.objects.create_user(username="bench-admin", password="bench-password-1", role=User.Role.ADMIN)
    rng = np.random.default_rng(1)
    parsed = q.parsed()
    codes = [i.code for i in parsed.items]
    mood = rng.normal(0, 0.6, args.n)
    started = time.perf_counter()
    batch = 20_000
    now = timezone.now()
    for lo in range(0, args.n, batch):  # loading the fixture, not the measured part
        hi = min(lo + batch, args.n)
        values = np.clip(np.rint(3.6 + mood[lo:hi, None] + rng.normal(0, 0.7, (hi - lo, len(codes)))), 1, 5).astype(int)
        Response.objects.bulk_create(
            [Response(wave=wave, org_unit=branches[i % 12], submitted_at=now, answers=dict(zip(codes, map(int, row))))
             for i, row in zip(range(lo, hi), values)], batch_size=5_000)
    print(f"loaded {args.n:,} responses in {time.perf_counter() - started:.1f} s ({os.environ['DATABASE_URL'].split(':')[0]})")

    started = time.perf_counter()
    result = wave_result(user=admin, wave=wave, bootstrap=1000, seed=1)
    store_seconds = time.perf_counter() - started
    frame = wave_frame(user=admin, wave=wave)
    started = time.perf_counter()
    csi_report(frame, parsed, bootstrap=1000, seed=1)
    memory_seconds = time.perf_counter() - started
    print(f"store -> report: {store_seconds:.2f} s for n={result.n:,} (target < 10 s: "
          f"{'met' if store_seconds < 10 else 'MISSED'}; {store_seconds / 10:.2f} of it)")
    print(f"baseline, same report from memory: {memory_seconds:.2f} s; ratio store/memory {store_seconds / memory_seconds:.2f}")
    print(f"CSI {result.report['csi']:.2f} [{result.report['csi_ci'][0]:.2f}, {result.report['csi_ci'][1]:.2f}]")


if __name__ == "__main__":
    sys.exit(main())
