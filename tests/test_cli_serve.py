"""`cxm migrate` and `cxm serve` run the real application from the command line."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CXM = str(Path(sys.executable).with_name("cxm"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path, database_kind):
    if database_kind != "sqlite" or not shutil.which(CXM):
        pytest.skip("runs once, on the embedded SQLite, with the installed cxm command")
    env = {**os.environ, "CXM_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([CXM, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([CXM, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_answers_the_login_page_and_the_local_plotly_bundle(served):
    page = urllib.request.urlopen(served + "/login/").read().decode()
    assert 'name="csrfmiddlewaretoken"' in page
    plotly = urllib.request.urlopen(served + "/static/vendor/plotly/plotly.min.js")
    assert plotly.status == 200 and int(plotly.headers["Content-Length"]) > 1_000_000


def test_serve_redirects_anonymous_visitors_to_login(served):
    response = urllib.request.urlopen(served + "/")
    assert response.url.endswith("/login/?next=/")
