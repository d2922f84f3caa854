"""Gunicorn's settings for Brede Gesprek. The production container (docker/entrypoint.sh)
and the load test (`make load`, bench/load/run_load.py) both start gunicorn with this
file, so the load test measures what production runs. Every value can be overridden
from the environment (GUNICORN_WORKERS, GUNICORN_WORKER_CLASS, GUNICORN_THREADS,
GUNICORN_BIND, GUNICORN_ACCESS_LOG).

The worker count and class were chosen from `make load` on a 2-core machine; the
figures are in DEPLOYMENT.md ("Capacity"): sync workers, two per core. A request is
some 8 ms of Python and 1 ms of database, so threads add nothing (gthread also reset
connections under load); but a printed plan takes a few hundred ms, and with one
worker per core it holds half the server while autosaves wait behind it. For a
container with more cores, set GUNICORN_WORKERS to twice its cores.

Gunicorn reads only its own setting names from this file: the DEFAULT_* names are
for the load test's report."""

import os

DEFAULT_WORKERS = 4
DEFAULT_WORKER_CLASS = "sync"
DEFAULT_THREADS = 1

bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS") or DEFAULT_WORKERS)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or DEFAULT_WORKER_CLASS
threads = int(os.environ.get("GUNICORN_THREADS") or DEFAULT_THREADS)
# A printed plan or a CSV import may take seconds; a worker silent for a minute is stuck.
timeout = 60
graceful_timeout = 30
# The access log on stdout (the container's log), or a file; "" for none.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The workers' heartbeat files in memory, not on the container's overlay file system
# (where a slow disk could make the master think a worker hangs).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No control socket (gunicornc): nothing uses it, in the container the user has no home
# to put it in, and two gunicorns on one machine would share its default path.
control_socket_disable = True
