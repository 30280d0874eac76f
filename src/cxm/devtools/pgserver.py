"""A throwaway PostgreSQL server for tests and benchmarks.

Debian's ``postgresql`` package provides the binaries; ``initdb`` and ``pg_ctl`` refuse to
run as root, so as root they run as the ``postgres`` user through ``setpriv``. The server
listens on 127.0.0.1 on a free port, trusts local connections, and is deleted on stop.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ThrowawayPostgres:
    bindir: Path
    root: Path
    port: int
    user: str = "postgres"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True)

    @classmethod
    def start(cls) -> "ThrowawayPostgres":
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found: apt-get install -y postgresql")
        root = Path(tempfile.mkdtemp(prefix="cxm-pg-"))
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        server = cls(bindir=bindir, root=root, port=_free_port())
        data = root / "data"
        server._run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync", "-U", server.user)
        opts = f"-F -p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=50"
        server._run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o", opts, "start")
        return server

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
