"""Settings, read from the environment and an optional ``.env`` file.

Every setting is documented here and in ``.env.example``; an invalid value
produces an error that names the setting (its environment variable).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    discord_token: SecretStr | None = Field(None, description="Bot token from the developer portal.")
    max_answer_chars: int = Field(
        4000, ge=100, le=100_000, description="Longest answer kept; the rest is cut, kindly."
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("telegram_token", "discord_token", mode="before")
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
