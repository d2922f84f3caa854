# Production image for Brede Gesprek: Django served by gunicorn, static files by
# WhiteNoise, PostgreSQL reached through DATABASE_URL. See DEPLOYMENT.md.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.13 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# System libraries WeasyPrint loads at run time (PDF output), and a font for it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9

WORKDIR /app

# Dependencies first, so this layer is reused while only the application changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# collectstatic only needs settings to load: these values exist for this step alone
# and are not kept in the image's environment.
RUN chmod 0755 docker/entrypoint.sh \
    && SECRET_KEY=build-only-not-secret \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app
USER app

EXPOSE 8000

# /healthz answers 200 when the database answers, 503 otherwise. The request carries
# the first ALLOWED_HOSTS entry as its Host header, so Django does not reject it as a
# disallowed host ("*" or no entry: localhost).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = next((x.strip().lstrip('.') for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip() not in ('', '*')), 'localhost'); u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=5)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
