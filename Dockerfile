# compassion-bot: one image for Telegram and Discord, on SQLite or PostgreSQL.
#
#   docker compose up -d             # with PostgreSQL, see docker-compose.yml
#   docker build -t compassion-bot . && docker run --env-file .env \
#       -v compassion-data:/app/data compassion-bot    # alone, on SQLite in the volume

# Build stage: the package and its dependencies into /install, so that neither
# the source tree nor pip's caches end up in the image that runs.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY benchmarks ./benchmarks
COPY dialogues ./dialogues
RUN pip install --prefix=/install ".[telegram,discord,postgres]"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////app/data/compassion-bot.db
COPY --from=build /install /usr/local

# The bot never needs root: a fixed uid, so a mounted volume's owner is predictable.
RUN useradd --create-home --uid 10001 --user-group bot \
    && mkdir -p /app/data \
    && chown bot:bot /app/data
WORKDIR /app
USER bot

# Cheap: opens the store, checks the schema and the encryption key, exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["compassion-bot", "health"]

# SIGTERM (docker stop) lets queued replies go out and the store close cleanly.
STOPSIGNAL SIGTERM
CMD ["compassion-bot", "run"]
