"""The app's settings with bench/urls.py's bare views added: for the app served by
gunicorn to a real browser (bench/browser.py)."""

from brede_gesprek.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
