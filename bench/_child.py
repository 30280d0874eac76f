"""What the engine-comparison benches share: each engine runs in a child process.

A fresh interpreter per engine makes the peak RSS (``ru_maxrss``) each child reports its
own. The parent calls :func:`run_child`, which reruns the bench script as
``SCRIPT --child ENGINE ARGS...``; the child prints its results with :func:`report`.
Imported as ``from _child import ...`` (the bench scripts run as files, so ``bench/`` is
on ``sys.path``).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(out: dict) -> None:
    """Child side: print the results as one JSON line (the last line of standard output)."""
    sys.stdout.write(json.dumps(out) + "\n")


def run_child(script: str, engine: str, args: list[str]) -> dict:
    """Parent side: run ``SCRIPT --child ENGINE ARGS`` in a fresh interpreter; its reported results.

    A failing child has its standard error shown and stops the bench.
    """
    res = subprocess.run([sys.executable, script, "--child", engine, *args], capture_output=True, text=True,
                         check=False)
    if res.returncode:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"{engine} child failed")
    return json.loads(res.stdout.strip().splitlines()[-1])
