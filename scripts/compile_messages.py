#!/usr/bin/env python3
"""Compile the translation catalogues (``.po`` -> ``.mo``) with polib.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``; polib is pure Python, so the
committed ``.mo`` files can be rebuilt anywhere. ``make messages`` runs ``makemessages`` and
then this script.

Usage::

    python scripts/compile_messages.py           # write every src/cxm/locale/*/LC_MESSAGES/*.mo
    python scripts/compile_messages.py --check   # exit 1 if a .mo is missing or out of date
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[1] / "src" / "cxm" / "locale"


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_po(po_path: Path, mo_path: Path) -> None:
    """Write ``mo_path`` from ``po_path``; fuzzy and untranslated entries are left out (as msgfmt does)."""
    po = polib.pofile(str(po_path), wrapwidth=0)
    po.save_as_mofile(str(mo_path))


def is_up_to_date(po_path: Path, mo_path: Path) -> bool:
    if not mo_path.exists():
        return False
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.mo"
        compile_po(po_path, fresh)
        return fresh.read_bytes() == mo_path.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that every .mo matches its .po")
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    args = parser.parse_args(argv)
    found = catalogues(args.locale_dir)
    if not found:
        print(f"no .po files under {args.locale_dir}", file=sys.stderr)
        return 1
    stale = []
    for po_path in found:
        mo_path = po_path.with_suffix(".mo")
        if args.check:
            if not is_up_to_date(po_path, mo_path):
                stale.append(mo_path)
            continue
        compile_po(po_path, mo_path)
        print(f"compiled {mo_path}")
    if stale:
        print("out of date (run `make messages`):\n  " + "\n  ".join(map(str, stale)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
