# syntax=docker/dockerfile:1
# One image for every Waymark process; the command picks which (bin/waymark):
#   docker run IMAGE web | worker | beat | bot | release | check
# compose.yaml runs the whole service with PostgreSQL and Redis. docs/operations.md explains.

# --- 1. The staff pages' GOV.UK Frontend assets, built as `make install` builds them (npm ci
#        from package-lock.json, then the Makefile's copy), so there is one recipe.
FROM node:20-bookworm AS assets
WORKDIR /build
COPY package.json package-lock.json Makefile ./
RUN make web/static/govuk/.built

# --- 2. The locked Python dependencies (uv.lock), without the development ones.
FROM python:3.11-slim-bookworm AS python-deps
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN pip install uv==0.13.9
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-install-project

# --- 3. The image: the code, the dependencies and the assets, run as a user without privileges.
FROM python:3.11-slim-bookworm
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=false \
    STATIC_ROOT=/app/staticfiles \
    WAYMARK_VAR_DIR=/var/lib/waymark \
    WAYMARK_DATA_JOBS_DIR=/var/lib/waymark/data-jobs \
    PROMETHEUS_MULTIPROC_DIR=/var/lib/waymark/metrics \
    WAYMARK_BIND=0.0.0.0:8000
RUN groupadd --system --gid 10001 waymark \
    && useradd --system --uid 10001 --gid waymark --home-dir /app --shell /usr/sbin/nologin waymark \
    && mkdir -p /var/lib/waymark/data-jobs /var/lib/waymark/metrics \
    && chown -R waymark:waymark /var/lib/waymark
WORKDIR /app
COPY --from=python-deps /app/.venv /app/.venv
COPY . .
COPY --from=assets /build/web/static/govuk web/static/govuk
# Static files are collected into the image (WhiteNoise serves them); the key is for this step
# only, since the settings refuse to load without one outside debug.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --no-input -v 0 \
    && rm -rf /var/lib/waymark/celery /var/lib/waymark/*.sqlite3
USER 10001:10001
EXPOSE 8000
# The web process answers /healthz (no database); compose.yaml gives the others their own.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["bin/waymark"]
CMD ["web"]
