"""The container files, read as Docker would read them (there is no Docker engine
here): the compose stack, the image's user and health check, and what the build
context leaves out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.app import setting_names

REPO = Path(__file__).resolve().parent.parent


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), " ".join(rest.split())))
    return found


def test_compose_runs_the_bot_after_a_healthy_postgres() -> None:
    services = compose()["services"]
    assert set(services) == {"bot", "postgres"}
    bot, postgres = services["bot"], services["postgres"]
    assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert bot["env_file"] == ".env"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in bot["environment"]["DATABASE_URL"]
    assert bot["restart"] == postgres["restart"] == "unless-stopped"
    assert postgres["image"] == "postgres:16"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    # Never reachable from outside the compose network.
    assert "ports" not in postgres


def test_postgres_data_lives_in_a_named_volume() -> None:
    data = compose()
    [mount] = data["services"]["postgres"]["volumes"]
    name, _, target = mount.partition(":")
    assert target == "/var/lib/postgresql/data"
    assert name in data["volumes"]


def test_the_image_runs_as_a_user_and_checks_its_own_health() -> None:
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim AS build")
    final = steps[max(i for i, (k, _) in enumerate(steps) if k == "FROM"):]
    assert final[0] == ("FROM", "python:3.11-slim")
    users = [args for keyword, args in final if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    [health] = [args for keyword, args in final if keyword == "HEALTHCHECK"]
    assert health.endswith('CMD ["compassion-bot", "health"]')
    assert any(k == "RUN" and '".[telegram,discord,postgres]"' in args for k, args in steps)


def test_secrets_and_data_stay_out_of_the_image() -> None:
    ignored = (REPO / ".dockerignore").read_text().split()
    for pattern in (".env", "data/", "*.db", "*.sqlite", ".git/"):
        assert pattern in ignored


def test_every_setting_is_in_env_example() -> None:
    example = (REPO / ".env.example").read_text()
    names = setting_names()  # the platforms' own too (TELEGRAM_TOKEN...)
    assert {"DATABASE_URL", "TELEGRAM_TOKEN", "DISCORD_SHARD_IDS"} <= set(names)
    for name in names:
        assert f"# {name}=" in example, name
