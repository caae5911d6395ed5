"""The Spanish and German catalogs: complete, never fuzzy, placeholders kept, compiled and current.

Read with Babel's own parser (babel.messages.pofile), so a catalog that gettext could not
use fails here first. docs/i18n.md says how to add and translate strings.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "partnertrack" / "translations"
LANGUAGES = ("es", "de")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+(?::[^}]*)?\}")


def catalog(language: str):
    """The .po catalog of ``language`` as Babel reads it."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def messages(language: str):
    """Every message of the catalog but its header."""
    return [m for m in catalog(language) if m.id]


def _hashable(value):
    """A message id or string as a dict key and value (the .mo gives plural forms as lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def pairs(message):
    """(English, translation) for each form of ``message`` (singular and plural ones)."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    untranslated = [m.id for m in messages(language) if not all(text for _, text in pairs(m))]
    fuzzy = [m.id for m in messages(language) if m.fuzzy]
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"
    assert not catalog(language).fuzzy, f"{language}: the catalog header is marked fuzzy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = [
        (english, text)
        for m in messages(language)
        for english, text in pairs(m)
        if sorted(set(PLACEHOLDER.findall(english))) != sorted(set(PLACEHOLDER.findall(text)))
        and not (isinstance(m.id, tuple) and "%(num)d" not in text)  # a plural form may spell the number out
    ]
    assert not wrong, f"{language}: placeholders differ in {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_current_one(language):
    mo = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert mo.exists(), "run: .venv/bin/pybabel compile -d partnertrack/translations (the README's commands do)"
    with mo.open("rb") as handle:
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(handle) if m.id}
    written = {_hashable(m.id): _hashable(m.string) for m in messages(language)}
    assert compiled == written, "the .mo is older than the .po: run pybabel compile -d partnertrack/translations"


def test_the_catalogs_hold_every_string_the_code_marks(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_"]
        + ["-o", str(pot), "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        marked = {m.id for m in read_po(handle) if m.id}
    for language in LANGUAGES:
        held = {m.id for m in messages(language)}
        assert not marked - held, (
            f"{language}: extract and update the catalog (docs/i18n.md): {sorted(marked - held)[:5]}"
        )
        assert not held - marked, f"{language}: strings no longer in the code: {sorted(held - marked, key=str)[:5]}"
