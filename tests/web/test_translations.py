"""Every string the code marks for translation has a Korean and an English translation.

The check extracts the messages the way ``make messages`` does (Django's ``makemessages``,
which runs GNU xgettext) from a temporary copy of the package, merged with the committed
catalogues, so it sees exactly the msgids of the current code without touching the tree.
It then requires a non-empty, non-fuzzy msgstr for each, and committed ``.mo`` files that
match their ``.po`` files.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

import cxm

PACKAGE = Path(cxm.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
LANGS = ("ko", "en")
REPO = PACKAGE.parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXr]|\{(\w+)\}")


def extract(package_copy: Path) -> dict[str, polib.POFile]:
    """Run makemessages in ``package_copy`` (which holds a copy of the catalogues)."""
    cwd = os.getcwd()
    os.chdir(package_copy)
    try:
        with override_settings(LOCALE_PATHS=[package_copy / "locale"]):
            call_command("makemessages", locale=list(LANGS), no_obsolete=True, no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    return {lang: polib.pofile(str(package_copy / "locale" / lang / "LC_MESSAGES" / "django.po")) for lang in LANGS}


def copy_package(dest: Path) -> Path:
    shutil.copytree(PACKAGE, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "vendor"))
    return dest


def problems(catalogue: polib.POFile) -> list[str]:
    """Entries without a usable translation, or whose placeholders differ from the msgid's."""
    found = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        label = f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {label}")
            continue
        strings = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not strings or not all(s.strip() for s in strings):
            found.append(f"untranslated: {label}")
            continue
        wanted = {m for m in PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or ""))}
        for s in strings:
            if "python-format" in entry.flags and {m for m in PLACEHOLDER.findall(s)} != wanted:
                found.append(f"placeholders differ: {label} -> {s!r}")
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return extract(copy_package(tmp_path_factory.mktemp("i18n") / "cxm"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_in_the_code_is_translated(extracted, lang):
    catalogue = extracted[lang]
    assert len(catalogue) > 100  # the extraction did find the package's messages
    assert problems(catalogue) == [], f"run `make messages` and translate these in src/cxm/locale/{lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_header_is_final(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == lang
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_a_new_untranslated_string_is_caught(tmp_path):
    """The check itself can fail: a freshly marked string without translation is reported."""
    copy = copy_package(tmp_path / "cxm")
    (copy / "web" / "untranslated_probe.py").write_text(
        "from django.utils.translation import gettext as _\n\nPROBE = _('A string nobody translated yet')\n"
    )
    catalogues = extract(copy)
    for lang in LANGS:
        assert "untranslated: 'A string nobody translated yet'" in problems(catalogues[lang])


def test_a_changed_string_is_caught_as_fuzzy_or_untranslated(tmp_path):
    copy = copy_package(tmp_path / "cxm")
    template = copy / "web" / "templates" / "web" / "login.html"
    template.write_text(template.read_text().replace('{% translate "Sign in" %}', '{% translate "Sign in now" %}'))
    found = problems(extract(copy)["ko"])
    assert any("'Sign in now'" in p for p in found)


@pytest.mark.parametrize("lang", LANGS)
def test_committed_mo_matches_the_po(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))

    def table(entries):
        return {
            (e.msgctxt, e.msgid): (tuple(sorted(e.msgstr_plural.items())) if e.msgid_plural else e.msgstr)
            for e in entries
            if e.msgid
        }

    assert table(mo) == table(po.translated_entries()), "run `python scripts/compile_messages.py`"


def test_compile_script_reports_the_mo_files_up_to_date():
    spec = importlib.util.spec_from_file_location("compile_messages", REPO / "scripts" / "compile_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0
