"""Encryption of free text at rest: :class:`FieldCipher` turns text into a sealed
string and back.

A sealed string is ``enc:v1:`` followed by a Fernet token (AES-128-CBC with an
HMAC-SHA256, from the ``cryptography`` package).  The prefix lets the store tell
sealed values from plain ones, so a database that held plain text before a key
was set keeps working while ``compassion-bot keys rotate`` seals the rest, and
``v1`` leaves room for another scheme later without guessing.

``ENCRYPTION_KEY`` holds one key, or several separated by commas: the first
seals everything new, all of them open what is stored (as Fernet's
``MultiFernet`` does), so bots can run with ``NEW,OLD`` while a rotation is under
way.  No key ever appears in an error message.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc:v1:"


class EncryptionKeyError(Exception):
    """``ENCRYPTION_KEY`` is missing, malformed, or not the key the data was sealed with."""


def generate_key() -> str:
    """A new random key, in the form ``ENCRYPTION_KEY`` takes."""
    return Fernet.generate_key().decode("ascii")


def is_sealed(value: str) -> bool:
    """Whether ``value`` was made by :meth:`FieldCipher.encrypt` (of some key)."""
    return value.startswith(PREFIX)


def parse_keys(setting: str) -> list[str]:
    """The comma-separated keys of an ``ENCRYPTION_KEY`` value, newest first.

    Raises :class:`ValueError` (without quoting the value) when one is malformed.
    """
    keys = [part.strip() for part in setting.split(",") if part.strip()]
    if not keys:
        raise ValueError("no key given; make one with `compassion-bot keys generate`")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            # The key itself is never quoted: error messages end up in logs.
            raise ValueError(
                f"key {position} is not a key made by `compassion-bot keys generate` "
                "(44 characters of URL-safe base64)"
            ) from None
    return keys


class FieldCipher:
    """Seals and opens text under one or more keys (the first one seals)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("FieldCipher needs at least one key")
        self._keys = tuple(keys)
        self._primary = Fernet(keys[0])
        self._all = MultiFernet([Fernet(key) for key in keys])

    def __repr__(self) -> str:
        return f"FieldCipher(<{len(self._keys)} key(s)>)"  # never the keys themselves

    @classmethod
    def from_setting(cls, setting: str) -> FieldCipher:
        """The cipher of an ``ENCRYPTION_KEY`` value (one key or ``NEW,OLD,...``)."""
        try:
            return cls(parse_keys(setting))
        except ValueError as exc:
            raise EncryptionKeyError(f"ENCRYPTION_KEY: {exc}") from None

    def with_primary(self, key: str) -> FieldCipher:
        """A cipher sealing under ``key`` that still opens all this one opens."""
        return FieldCipher([key, *(k for k in self._keys if k != key)])

    def encrypt(self, text: str) -> str:
        """``text`` sealed under the first key (random IV: equal texts seal differently)."""
        return PREFIX + self._primary.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, value: str) -> str:
        """The text of a sealed ``value``.

        Raises :class:`EncryptionKeyError` when it is not sealed or was sealed
        under none of this cipher's keys.
        """
        if not is_sealed(value):
            raise EncryptionKeyError("value is not encrypted")
        try:
            return self._all.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise EncryptionKeyError(
                "stored text does not decrypt with ENCRYPTION_KEY: it was encrypted "
                "with another key (nothing was changed)"
            ) from None

    def opens(self, value: str) -> bool:
        """Whether :meth:`decrypt` would succeed on ``value``."""
        try:
            self.decrypt(value)
        except EncryptionKeyError:
            return False
        return True

    def sealed_by_primary(self, value: str) -> bool:
        """Whether ``value`` is sealed under the first key (a rotation leaves it alone)."""
        if not is_sealed(value):
            return False
        try:
            self._primary.decrypt(value[len(PREFIX):].encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True
