"""Settings, read from the environment and an optional ``.env`` file.

The bot's own settings are :class:`Settings`; each platform declares its own as a
:class:`PlatformSettings` subclass in its module (``adapters/<name>.py``), with the
environment prefix ``<NAME>_`` (``TELEGRAM_TOKEN`` is ``TelegramSettings.token``).
``Settings`` composes them on demand (:meth:`Settings.platform`) from the same
sources, so that this module names no platform.  Every setting is documented in
``.env.example``; an invalid value produces an error that names the setting (its
environment variable).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self, TypeVar

from dotenv import dotenv_values
from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.crypto import parse_keys

DEFAULT_DATABASE_URL = "sqlite:///./data/compassion-bot.db"
ENV_FILE = ".env"


def default_dialogues_dir() -> Path:
    """``dialogues/`` of a source checkout, else the copy packaged with the bot."""
    checkout = Path(__file__).resolve().parent.parent / "dialogues"
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / "dialogues_data"


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the environment variable."""


class PlatformSettings(BaseSettings):
    """One platform's own settings: subclass it in the platform's module with
    ``model_config = SettingsConfigDict(env_prefix="<NAME>_")`` (the platform's name,
    upper case), and read it with ``settings.platform(TheModel)``.

    Read from the same environment and ``.env`` file as :class:`Settings`; a field
    ``token`` of the ``telegram`` platform is the variable ``TELEGRAM_TOKEN``.
    """

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8",
                                      extra="ignore")


P = TypeVar("P", bound=PlatformSettings)


def blank_is_unset(value: object) -> object:
    """``TOKEN=`` in a .env file means "not set", not "an empty token" (a ``mode="before"``
    validator of optional settings)."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def comma_separated(value: object) -> object:
    """``1, 2,3`` as a list (a ``mode="before"`` validator of a list setting marked
    ``NoDecode``)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """compassion-bot's configuration.  Environment variables are the upper-case names.

    A platform's own settings are read with :meth:`platform`.  Values given here for
    them, by their environment name in lower case (``Settings(telegram_token=...)``),
    are handed to the platform's model, as are ``_env_file`` and the other sources.
    """

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8",
                                      extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="Where state is kept: sqlite:///PATH (default) or postgresql://...",
    )
    dialogues_dir: Path = Field(
        default_factory=default_dialogues_dir, description="Folder of dialogue YAML files."
    )
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING or ERROR.")
    nudge_grace_minutes: int = Field(
        60, ge=0, le=24 * 60,
        description="A nudge found this late after it was due (the bot was down) is still "
        "sent; later ones are skipped.",
    )
    workers: int = Field(
        1, ge=1, le=256,
        description="Bot processes sharing this database (PostgreSQL), all with the same "
        "settings.  Each paces its sends at 1/WORKERS of each platform's rate "
        "(<NAME>_MAX_RATE), so that together they stay under the platforms' limits.  With 1, "
        "a restarted process sends at once whatever replies its crash left unsent; with "
        "more, those go out after their claim's lease (a minute), through any worker.",
    )
    max_answer_chars: int = Field(
        4000, ge=100, le=100_000, description="Longest answer kept; the rest is cut, kindly."
    )
    min_age: int = Field(
        18, ge=0, le=99,
        description="Onboarding asks whether the person is at least this old; younger people "
        "are told kindly that the bot is not for them and shown lines for young people "
        "(crisis lines stay open to them).  0 turns the question off.  See SAFETY.md.",
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

    _sources: dict[str, Any] = PrivateAttr(default_factory=dict)
    _given: dict[str, Any] = PrivateAttr(default_factory=dict)
    _platforms: dict[type[PlatformSettings], PlatformSettings] = PrivateAttr(
        default_factory=dict)

    def __init__(self, **values: Any) -> None:
        fields = type(self).model_fields
        sources = {name: value for name, value in values.items() if name.startswith("_")}
        super().__init__(**sources, **{name: value for name, value in values.items()
                                       if name in fields})
        self._sources = sources
        self._given = {name: value for name, value in values.items()
                       if name not in fields and name not in sources}

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Self:
        """A copy with some values changed; a platform's are given by their
        environment name in lower case, as to the constructor."""
        fields = type(self).model_fields
        update = dict(update or {})
        given = {name: update.pop(name) for name in list(update) if name not in fields}
        copy = super().model_copy(update=update, deep=deep)
        if given:
            copy._given = {**self._given, **given}
            copy._platforms = {}
        return copy

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("encryption_key")
    @classmethod
    def _well_formed_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_keys(value.get_secret_value())  # its ValueError never quotes the key
        return value

    @field_validator("encryption_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return blank_is_unset(value)

    def platform(self, model: type[P]) -> P:
        """A platform's own settings, read once from the same environment, ``.env``
        file and given values as these; a :class:`SettingsError` names the variable."""
        found = self._platforms.get(model)
        if found is None:
            prefix = model.model_config.get("env_prefix", "").lower()
            own = {name[len(prefix):].lower(): value for name, value in self._given.items()
                   if prefix and name.lower().startswith(prefix)}
            try:
                found = model(**self._sources, **own)
            except ValidationError as exc:
                raise settings_error(exc, prefix) from exc
            self._platforms[model] = found
        assert isinstance(found, model)
        return found

    def names_set(self, prefix: str) -> list[str]:
        """The variables starting with ``prefix`` that are set (not blank), in the
        environment or the ``.env`` file, for a platform whose module cannot be
        loaded (its library is not installed)."""
        prefix = prefix.upper()
        given = {name.upper(): value for name, value in self._given.items()}
        env_file = self._sources.get("_env_file", self.model_config.get("env_file"))
        files = ([] if env_file is None
                 else [env_file] if isinstance(env_file, str | Path) else list(env_file))
        from_files: dict[str, Any] = {}
        for file in files:
            if Path(file).is_file():
                from_files.update({name.upper(): value
                                   for name, value in dotenv_values(file).items()})
        environment = {name.upper(): value for name, value in os.environ.items()}
        found = {**from_files, **environment, **given}
        return sorted(name for name, value in found.items()
                      if name.startswith(prefix) and blank_is_unset(value) is not None)


def settings_error(exc: ValidationError, prefix: str = "") -> SettingsError:
    """A pydantic error as one line naming each environment variable at fault."""
    messages = []
    for error in exc.errors():
        name = f"{prefix}{error['loc'][0]}".upper() if error["loc"] else "?"
        messages.append(f"{name}: {error['msg']}")
    return SettingsError("invalid setting " + "; ".join(messages))


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with errors that name the variable.  A platform's
    own are read, and checked, when it is looked at (:meth:`Settings.platform`)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise settings_error(exc) from exc
