"""File commands of ``cxm`` (``cxm csi``, ``cxm pls``, ``cxm btyd``, ...).

They run on :mod:`cxm.analytics` alone, without Django, and start in well under a second:
each module here defines ``register(app)`` and keeps numpy/polars imports inside its
command functions. :func:`register_all` adds every module found in this package except the
``_``-prefixed helpers (:mod:`cxm.commands._common`).
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):  # shared helpers (_common), not commands
            continue
        importlib.import_module(f"{__name__}.{module.name}").register(app)
