"""The French catalogue of the interface (locale/fr/LC_MESSAGES/django.po): every string of
the code and templates is in it, and every entry is translated, checked and keeps the
placeholders of its English."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# What `make messages` reads (the Makefile's --ignore leaves out the rest).
SOURCES = ("manage.py", "partnership_site", "registry", "templates")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def translated() -> list[polib.POEntry]:
    return [entry for entry in entries() if entry.translated()]


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def test_every_entry_is_translated_and_checked():
    untranslated = [e.msgid for e in entries() if not e.translated()]
    fuzzy = [e.msgid for e in entries() if "fuzzy" in e.flags]
    assert not untranslated, f"Not translated into French: {untranslated[:20]}"
    assert not fuzzy, f"Marked fuzzy (check the French, then remove the mark): {fuzzy[:20]}"


def test_every_translation_keeps_the_placeholders_of_its_english():
    for entry in translated():
        english = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            for french in entry.msgstr_plural.values():
                # A plural form may leave out the count ("une visite"), not add a name.
                assert set(PLACEHOLDER.findall(french)) <= set(
                    PLACEHOLDER.findall(entry.msgid_plural)
                ) | set(english), entry.msgid
        else:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == english, entry.msgid


def test_translations_keep_the_html_of_their_english():
    tag = re.compile(r"</?([a-z]+)")
    for entry in translated():
        if entry.msgid_plural:
            continue
        assert sorted(tag.findall(entry.msgstr)) == sorted(tag.findall(entry.msgid)), entry.msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="GNU gettext's xgettext is needed to gather the strings (apt-get install gettext)",
)
def test_the_catalogue_holds_every_string_of_the_code_and_templates(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    environment = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite:///unused"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--no-obsolete"],
        cwd=tmp_path,
        env=environment,
        check=True,
        capture_output=True,
    )
    gathered = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    found = {key(e) for e in gathered}
    kept = {key(e) for e in entries()}
    missing = sorted(found - kept, key=str)
    assert not missing, (
        f"Strings missing from the French catalogue (run make messages): {missing[:20]}"
    )
    unused = sorted(kept - found, key=str)
    assert not unused, f"Entries no code uses any more (run make messages): {unused[:20]}"
