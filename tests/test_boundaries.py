"""Architecture rules that keep the layers apart and the CLI fast."""

import re
import subprocess
import sys
from pathlib import Path

import cxm

SRC = Path(cxm.__file__).parent


def _imported_modules(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_analytics_package_never_imports_django():
    modules = _imported_modules("import pkgutil, importlib, cxm.analytics as a\n"
                                "[importlib.import_module(m.name) for m in pkgutil.walk_packages(a.__path__, 'cxm.analytics.')]")
    assert not any(m == "django" or m.startswith("django.") for m in modules)


def test_analytics_sources_import_neither_django_nor_the_store():
    pattern = re.compile(r"^\s*(from|import)\s+(django|cxm\.(org|customers|web|core|demo))\b", re.M)
    offenders = [p for p in (SRC / "analytics").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_cli_help_does_not_set_up_django():
    modules = _imported_modules("from cxm.cli import app")
    assert "django.db" not in modules and "polars" not in modules and "numpy" not in modules
