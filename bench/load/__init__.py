"""`make load`: the app under gunicorn and PostgreSQL, driven by locust (run_load.py)."""
