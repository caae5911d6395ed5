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
