"""Every main page is valid HTML by the Nu Html Checker (vnu.jar, run with the machine's Java).

The pages are fetched in the browser as their visitor (so the server renders them for real,
logged in, with CSRF tokens), saved to <artifacts>/html/, and checked in one run of the
checker: it takes seconds to start, so it runs once, not once per page. The rating form is
also saved as the DOM after app.js has added its score buttons.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, artifacts_dir
from tests.browser.pages import MAIN_PAGES, PAGES_BY_NAME, visit

pytestmark = pytest.mark.browser

VNU_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(files: list[Path]) -> dict[str, list[str]]:
    """Run vnu.jar once over ``files``; the errors by file name ("line N: message")."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail("Java or the Nu Html Checker is missing: run bash tests/ensure_tools.sh")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        name = Path(message.get("url", "?").removeprefix("file:")).name
        errors.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_every_main_page_is_valid_html(signed_in, site):
    """Zero errors from the Nu Html Checker on each main page, as served and as scripted."""
    folder = artifacts_dir() / "html"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    files = []
    for main_page in MAIN_PAGES:
        page, served = visit(signed_in("desktop", main_page.who), site, main_page)
        files.append(folder / f"{main_page.name}.html")
        files[-1].write_text(served, encoding="utf-8")
        if main_page is PAGES_BY_NAME["rate-patient"]:
            files.append(folder / "rate-patient-after-script.html")
            files[-1].write_text(page.content(), encoding="utf-8")  # content() keeps the doctype
        page.close()
    assert len(files) == len(MAIN_PAGES) + 1
    assert vnu_errors(files) == {}
