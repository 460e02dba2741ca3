"""Settings, read from the environment and an optional ``.env`` file.

Every setting is documented here and in ``.env.example``; an invalid value
produces an error that names the setting (its environment variable).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.crypto import parse_keys

DEFAULT_DATABASE_URL = "sqlite:///./data/compassion-bot.db"


def default_dialogues_dir() -> Path:
    """``dialogues/`` of a source checkout, else the copy packaged with the bot."""
    checkout = Path(__file__).resolve().parent.parent / "dialogues"
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / "dialogues_data"


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the environment variable."""


class Settings(BaseSettings):
    """compassion-bot's configuration.  Environment variables are the upper-case names."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="Where state is kept: sqlite:///PATH (default) or postgresql://...",
    )
    dialogues_dir: Path = Field(
        default_factory=default_dialogues_dir, description="Folder of dialogue YAML files."
    )
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING or ERROR.")
    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    discord_token: SecretStr | None = Field(
        None, description="Bot token from the Discord developer portal."
    )
    telegram_base_url: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API address; python-telegram-bot appends the token. "
        "Point it at a self-hosted Bot API server or a test server.",
    )
    telegram_webhook_url: str | None = Field(
        None, description="Public HTTPS URL for webhook mode; polling when unset."
    )
    telegram_webhook_listen: str = Field(
        "0.0.0.0", description="Address the webhook server listens on."  # noqa: S104
    )
    telegram_webhook_port: int = Field(8443, ge=1, le=65535, description="Webhook port.")
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends with every webhook request; checked each time. "
        "Required, the same in every worker, when WORKERS > 1."
    )
    telegram_webhook_register: bool = Field(
        True, description="Whether this process tells Telegram the webhook address "
        "(setWebhook) when it starts.  Behind a load balancer, leave it on in one worker and "
        "set it to false in the others.",
    )
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated guild ids to sync slash commands to at once; "
        "global sync (slower to appear) when empty.",
    )
    discord_shard_count: int | None = Field(
        None, ge=1, description="Total shards across all processes (with DISCORD_SHARD_IDS)."
    )
    discord_shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        None, description="Comma-separated shard ids this process runs."
    )
    nudge_grace_minutes: int = Field(
        60, ge=0, le=24 * 60,
        description="A nudge found this late after it was due (the bot was down) is still "
        "sent; later ones are skipped.",
    )
    telegram_max_rate: float = Field(
        29.0, gt=0, le=30, description="Messages a second to Telegram, overall (limit ~30)."
    )
    discord_max_rate: float = Field(
        45.0, gt=0, le=50, description="Messages a second to Discord, overall (limit 50)."
    )
    telegram_chat_rate: float = Field(
        1.0, gt=0, le=30, description="Messages a second to one Telegram chat, after a "
        "burst of 3 (Telegram asks for about 1)."
    )
    discord_chat_rate: float = Field(
        1.0, gt=0, le=50, description="Messages a second to one Discord channel, after a "
        "burst of 5."
    )
    workers: int = Field(
        1, ge=1, le=256,
        description="Bot processes sharing this database (PostgreSQL), all with the same "
        "settings.  Each paces its sends at 1/WORKERS of TELEGRAM_MAX_RATE and "
        "DISCORD_MAX_RATE, so that together they stay under the platforms' limits.  With 1, "
        "a restarted process sends at once whatever replies its crash left unsent; with "
        "more, those go out after their claim's lease (a minute), through any worker.",
    )
    max_answer_chars: int = Field(
        4000, ge=100, le=100_000, description="Longest answer kept; the rest is cut, kindly."
    )
    encryption_key: SecretStr | None = Field(
        None,
        description="Encrypts conversations, journals, safety plans and queued replies at "
        "rest; make one with `compassion-bot keys generate`.  NEW,OLD (comma-separated) "
        "reads both while `keys rotate` moves the data to NEW.  Unset: stored as plain "
        "text.  Back it up: without it the data cannot be read.",
    )
    retention_days: int = Field(
        365, ge=7, le=36_500,
        description="Free text older than this many days is deleted, once a day: journal "
        "entries, idle conversations, sent replies, and the free-text profile fields (a "
        "safety plan) of people idle that long.  At least 7, so redelivered platform "
        "updates are still recognised.",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("encryption_key")
    @classmethod
    def _well_formed_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_keys(value.get_secret_value())  # its ValueError never quotes the key
        return value

    @field_validator(
        "telegram_token", "discord_token", "telegram_webhook_url", "telegram_webhook_secret",
        "encryption_key", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `TELEGRAM_TOKEN=` in a .env file means "not set", not "an empty token".
        if isinstance(value, str) and not value.strip():
            return None
        return value


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with errors that name the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "?"
            messages.append(f"{name}: {error['msg']}")
        raise SettingsError("invalid setting " + "; ".join(messages)) from exc
