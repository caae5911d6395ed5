"""A wheel that serves: `pip install .` into a fresh venv, then setup and gunicorn from another folder.

The checkout is not on the path here: the installed package alone must carry its templates,
static files, migrations and password list, and render every page with its stylesheet.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.serverutil import ROOT, free_port, healthz_status

START_TIMEOUT_S = 60
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
CREDENTIALS = re.compile(r"^\s*(therapist|patient)\s+(\S+@\S+)\s+password: (\S+)$", re.M)


def _run(*args: str, cwd: Path, env: dict | None = None) -> str:
    """Run a command, failing the test with its output when it fails."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the project installed from its wheel (not editable); returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--wheel-dir",
        str(work / "dist"),
        str(ROOT),
        cwd=work,
    )
    wheel = next((work / "dist").glob("partnertrack-*.whl"))
    _run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work)
    bin_dir = work / "venv" / "bin"
    _run(str(bin_dir / "pip"), "install", "--quiet", str(wheel), cwd=work)
    return bin_dir


def _env(tmp_path: Path) -> dict:
    """The environment of a newcomer's shell: no checkout on the path, the database in tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERTRACK_") and k != "PYTHONPATH"}
    env["PARTNERTRACK_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'partnertrack.sqlite'}"
    return env


def _wait_until_healthy(base: str, server: subprocess.Popen) -> None:
    """Poll /healthz until it answers 200 (or the server dies)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited (see its log in the test's tmp_path)"
        if healthz_status(base) == 200:
            return
        time.sleep(0.2)
    pytest.fail("the installed app did not answer /healthz")


def _pages(session: requests.Session, base: str) -> list[str]:
    """Every page linked from the dashboard and the first partnership page (same site, GET)."""
    found = {"/", "/account/", "/account/activity"}
    for start in ("/",):
        html = session.get(base + start).text
        found.update(re.findall(r'href="(/partnerships/\d+/[^"#]*)"', html))
    first = next(iter(sorted(p for p in found if re.fullmatch(r"/partnerships/\d+/", p))))
    found.update(re.findall(r'href="(/partnerships/\d+/[^"#]*)"', session.get(base + first).text))
    return sorted(p for p in found if not p.endswith((".csv", ".json", ".pdf")))


def _check_page(session: requests.Session, base: str, path: str) -> None:
    """The page renders (200, HTML) and its stylesheet is served as CSS."""
    response = session.get(base + path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    if "text/html" in response.headers["Content-Type"]:
        sheets = STYLESHEET.findall(response.text)
        assert sheets, f"{path} has no stylesheet"
        css = session.get(base + sheets[0])
        assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css"), sheets[0]


def test_the_installed_wheel_sets_up_and_serves_every_page(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _env(tmp_path)
    out = _run(str(installed / "flask"), "--app", "partnertrack", "setup", "--demo", cwd=elsewhere, env=env)
    logins = {role: (email, password) for role, email, password in CREDENTIALS.findall(out)}
    assert set(logins) == {"therapist", "patient"}, out
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(installed / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "partnertrack:create_app()",
    ]
    with (tmp_path / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(command, cwd=elsewhere, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_healthy(base, server)
            _visit_every_page(base, logins)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _visit_every_page(base: str, logins: dict[str, tuple[str, str]]) -> None:
    """Anonymous pages, then every page of each demo account, each with its stylesheet."""
    anonymous = requests.Session()
    for path in ("/login", "/register"):
        _check_page(anonymous, base, path)
    # The compiled catalogs travel in the wheel: a German browser gets German.
    german = anonymous.get(base + "/login", headers={"Accept-Language": "de"}).text
    assert '<html lang="de">' in german and "Passwort vergessen?" in german, "the wheel has no compiled catalogs"
    for role, (email, password) in logins.items():
        session = requests.Session()
        login = session.get(base + "/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        answer = session.post(base + "/login", data={"csrf_token": token, "email": email, "password": password})
        assert answer.status_code == 200 and "Log out" in answer.text, f"{role} could not log in"
        pages = _pages(session, base)
        assert any("/rate" in p for p in pages) and any("/goals/" in p for p in pages), pages
        for path in pages:
            _check_page(session, base, path)
