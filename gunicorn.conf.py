"""Gunicorn settings for PartnerTrack (gunicorn -c gunicorn.conf.py "partnertrack:create_app()")."""

import multiprocessing
import os

host = os.environ.get("HOST", "127.0.0.1")
port = int(os.environ.get("PORT", "8000"))
bind = [f"{host}:{port}"]
# Charts are CPU-bound (matplotlib); pages mostly wait on the database: a few
# processes for the CPU plus threads for the waiting.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# Loading the app before forking makes a broken configuration fail once, loudly.
preload_app = True


def when_ready(server):
    """Print the address a newcomer should open."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    server.log.info("PartnerTrack is running at http://%s:%s/", shown, port)
    _start_mail_worker(server)


# --- the mail worker beside the web server ---------------------------------------------------
# On one machine the README's run command is all there is, so the server starts one mail
# worker (flask --app <the same app> worker) when it is ready and stops it when it exits.
# A clinic that runs workers on their own sets PARTNERTRACK_MAIL_WORKER_IN_SERVER=false.
_mail_worker = {}


def _start_mail_worker(server):
    """Start ``flask worker`` for the app gunicorn serves, unless MAIL_WORKER_IN_SERVER is false."""
    import subprocess
    import sys

    app = server.app.wsgi()
    if not getattr(app, "config", {}).get("MAIL_WORKER_IN_SERVER", False):
        return
    command = [sys.executable, "-m", "flask", "--app", server.app.app_uri, "worker", "--exit-with-parent"]
    _mail_worker["process"] = subprocess.Popen(command)
    server.log.info("Mail worker started (pid %s).", _mail_worker["process"].pid)


def on_exit(server):
    """Stop the mail worker: SIGTERM lets it finish the message in hand."""
    process = _mail_worker.pop("process", None)
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except Exception:
        process.kill()
