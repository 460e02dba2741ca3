"""Encryption of free text at rest: :class:`FieldCipher` turns text into a sealed
string and back.

A sealed string is ``enc:v1:`` followed by URL-safe base64 of
``key id (4 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext and tag``.
The prefix lets the store tell sealed values from plain ones, so a database
that held plain text before a key was set keeps working while
``compassion-bot keys rotate`` seals the rest; ``v1`` leaves room for another
scheme later without guessing.  The key id (a hash of the key, authenticated
as associated data) says which key sealed a value, so several keys can be
configured at once and a rotation skips what is already under the new key
without trying to decrypt it.

AES-GCM rather than Fernet: a turn seals and opens about six values, and
Fernet's per-call setup (a new cipher and HMAC object each time) cost about
200 microseconds of CPU a message in the belief flow, AES-GCM about 70.
Nonces are random, 96 bits: NIST's bound for that is 2**32 values per key,
which at thousands of turns a day is centuries; a deployment sealing billions
of values should rotate its key now and then.

``ENCRYPTION_KEY`` holds one key, or several separated by commas: the first
seals everything new, all of them open what is stored, so bots can run with
``NEW,OLD`` while a rotation is under way.  No key ever appears in an error
message or a repr.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc:v1:"
_KEY_BYTES = 32
_ID_BYTES = 4
_NONCE_BYTES = 12


class EncryptionKeyError(Exception):
    """``ENCRYPTION_KEY`` is missing, malformed, or not the key the data was sealed with."""


def generate_key() -> str:
    """A new random key, in the form ``ENCRYPTION_KEY`` takes (44 characters).

    Never one that begins with ``-`` (1 in 64 would): a command line reads
    ``--new-key -abc...`` as an unknown option, and shells and tools trip over
    it too.  Drawing again costs under 0.03 bits of the key's 256.
    """
    while True:
        key = base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode("ascii")
        if not key.startswith("-"):
            return key


def is_sealed(value: str) -> bool:
    """Whether ``value`` was made by :meth:`FieldCipher.encrypt` (of some key)."""
    return value.startswith(PREFIX)


def _key_bytes(key: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise ValueError("not a key")
    return raw


def _key_id(raw: bytes) -> bytes:
    return hashlib.sha256(b"compassion-bot key id v1:" + raw).digest()[:_ID_BYTES]


def parse_keys(setting: str) -> list[str]:
    """The comma-separated keys of an ``ENCRYPTION_KEY`` value, newest first.

    Raises :class:`ValueError` (without quoting the value) when one is malformed.
    """
    keys = [part.strip() for part in setting.split(",") if part.strip()]
    if not keys:
        raise ValueError("no key given; make one with `compassion-bot keys generate`")
    for position, key in enumerate(keys, start=1):
        try:
            _key_bytes(key)
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
        # Imported here: the cryptography library is about 8 MB resident, and a
        # bot without ENCRYPTION_KEY never makes a cipher.
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._invalid_tag = InvalidTag
        self._keys = tuple(keys)
        raws = [_key_bytes(key) for key in keys]
        self._primary_id = _key_id(raws[0])
        self._primary = AESGCM(raws[0])
        # Several keys could share an id (a 1 in 4 billion chance): keep them all.
        self._by_id: dict[bytes, list[AESGCM]] = {}
        for raw in raws:
            self._by_id.setdefault(_key_id(raw), []).append(AESGCM(raw))

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
        """``text`` sealed under the first key (random nonce: equal texts seal differently)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._primary.encrypt(nonce, text.encode("utf-8"), self._primary_id)
        token = base64.urlsafe_b64encode(self._primary_id + nonce + sealed)
        return PREFIX + token.decode("ascii")

    def decrypt(self, value: str) -> str:
        """The text of a sealed ``value``.

        Raises :class:`EncryptionKeyError` when it is not sealed, is damaged, or
        was sealed under none of this cipher's keys.
        """
        raw = self._raw(value)
        key_id = raw[:_ID_BYTES]
        nonce = raw[_ID_BYTES:_ID_BYTES + _NONCE_BYTES]
        for aead in self._by_id.get(key_id, ()):
            try:
                return aead.decrypt(nonce, raw[_ID_BYTES + _NONCE_BYTES:], key_id).decode("utf-8")
            except self._invalid_tag:
                continue
        raise EncryptionKeyError(
            "stored text does not decrypt with ENCRYPTION_KEY: it was encrypted "
            "with another key (nothing was changed)"
        )

    def opens(self, value: str) -> bool:
        """Whether :meth:`decrypt` would succeed on ``value``."""
        try:
            self.decrypt(value)
        except EncryptionKeyError:
            return False
        return True

    def sealed_by_primary(self, value: str) -> bool:
        """Whether ``value`` is sealed under the first key (a rotation leaves it alone).

        Reads the key id only; a damaged value is still caught when it is opened.
        """
        try:
            return self._raw(value)[:_ID_BYTES] == self._primary_id
        except EncryptionKeyError:
            return False

    @staticmethod
    def _raw(value: str) -> bytes:
        if not is_sealed(value):
            raise EncryptionKeyError("value is not encrypted")
        try:
            raw = base64.urlsafe_b64decode(value[len(PREFIX):].encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) < _ID_BYTES + _NONCE_BYTES + 16:
            raise EncryptionKeyError("stored encrypted text is damaged")
        return raw
