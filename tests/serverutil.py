"""Run the real server (gunicorn with the project's gunicorn.conf.py) for tests and benchmarks.

    with run_server(db_url, tmp_path / "instance") as base_url:
        requests.get(base_url + "/healthz")

The server binds a free loopback port, keeps its secret key, config and log in its own
instance folder, and gets no PARTNERTRACK_* variable from the caller's environment except
those passed in ``extra_env`` (e.g. {"PARTNERTRACK_LOGIN_RATE_LIMIT": "1000 per minute"}).
Before it starts, ``flask setup`` brings the database to the latest migration, as the
README's run command does. ``Server`` gives the same with more control (SIGKILL, restart, log).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that the OS reports free (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_app(instance_path: str):
    """create_app() with its instance folder at ``instance_path`` (the WSGI entry the server runs).

    create_app() finds the instance folder next to the source tree, where a developer's own
    config.py and database live; a test server must not read them, so Flask's lookup is
    pointed at the given folder while the app is built.
    """
    from flask import Flask

    from partnertrack import create_app

    original = Flask.auto_find_instance_path
    Flask.auto_find_instance_path = lambda self: str(instance_path)
    try:
        return create_app()
    finally:
        Flask.auto_find_instance_path = original


class Server:
    """One gunicorn server (master and workers in their own process group)."""

    def __init__(self, db_url: str, instance_path, workers: int = 2, threads: int = 4, extra_env=None):
        """Prepare (not start) a server on ``db_url`` with its instance folder at ``instance_path``."""
        self.db_url = db_url
        self.instance_path = Path(instance_path)
        self.instance_path.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.threads = threads
        self.extra_env = dict(extra_env or {})
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = self.instance_path / "server.log"

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port> of the running server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def app_spec(self) -> str:
        """The app argument for gunicorn and ``flask --app``."""
        return f"tests.serverutil:server_app({str(self.instance_path)!r})"

    def env(self) -> dict:
        """The caller's environment without PARTNERTRACK_* settings, plus this server's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERTRACK_")}
        env.update(
            PARTNERTRACK_SQLALCHEMY_DATABASE_URI=self.db_url,
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(self.workers),
            GUNICORN_THREADS=str(self.threads),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def flask(self, *args: str, check: bool = True, input_text: str | None = None) -> subprocess.CompletedProcess:
        """Run ``flask --app <this server's app> ARGS`` with the server's environment."""
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", self.app_spec, *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            check=check,
            input=input_text,
            timeout=300,
        )

    def setup(self) -> None:
        """Apply the migrations (``flask setup``), as the README's run command does first."""
        result = self.flask("setup", check=False)
        if result.returncode != 0:
            raise RuntimeError(f"flask setup failed:\n{result.stdout}\n{result.stderr}")

    def start(self, wait_healthy: bool = True) -> str:
        """Start gunicorn on a new free port and wait for /healthz; return the base URL.

        With ``wait_healthy=False`` any answer from /healthz will do (a 503 included).
        """
        self.port = free_port()
        log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 (kept open for the child)
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *_no_control_socket()]
        self.process = subprocess.Popen(
            [*command, self.app_spec],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_until_up(wait_healthy)
        return self.base_url

    def _wait_until_up(self, wait_healthy: bool) -> None:
        """Poll /healthz until it answers (200, or anything when not waiting for health)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            status = healthz_status(self.base_url)
            if status == 200 or (status is not None and not wait_healthy):
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not answer /healthz within {START_TIMEOUT_S} s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM, as systemd would); SIGKILL whatever is left after 30 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, like a power cut for the processes."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self.process = None

    def log(self) -> str:
        """Everything the server printed (access log and errors)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def _no_control_socket() -> list[str]:
    """gunicorn 27's control socket has one default path under ~/.gunicorn for every server; no socket."""
    import gunicorn

    return ["--no-control-socket"] if gunicorn.version_info >= (27,) else []


def healthz_status(base_url: str) -> int | None:
    """The HTTP status of GET /healthz, or None when nothing answers."""
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


@contextmanager
def run_server(db_url: str, instance_path, workers: int = 2, threads: int = 4, extra_env=None, setup: bool = True):
    """Serve the app with gunicorn on a free loopback port for the ``with`` block; yield its base URL."""
    server = Server(db_url, instance_path, workers=workers, threads=threads, extra_env=extra_env)
    if setup:
        server.setup()
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()
