"""How free text is sealed in each kind of stored value, keeping JSON columns JSON.

- A whole JSON document (conversation state, an outbox payload) is stored as a
  JSON *string* holding the sealed text: ``"enc:v1:gAAAA..."``.
- A profile keeps its field names and its settings readable; every other field's
  value becomes a sealed string of its JSON (so numbers and lists come back as
  they went in).
- A journal entry's data becomes ``{"sealed": "enc:v1:..."}``: its field names
  (feeling, story, reframe...) would say too much on their own.
- Plain text (a platform's error message) is simply sealed.

Opening accepts plain values too: a database that was used without a key keeps
working after one is set, until ``compassion-bot keys rotate`` seals the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.crypto import PREFIX, FieldCipher, is_sealed
from bot.store.fields import is_setting
from bot.store.schema import TEXT_COLUMN

ENVELOPE = "sealed"
"""The one key of a sealed journal entry's data."""

_SEALED_DOCUMENT = '"' + PREFIX


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _is_envelope(data: Mapping[str, Any]) -> bool:
    value = data.get(ENVELOPE)
    return len(data) == 1 and isinstance(value, str) and is_sealed(value)


class Sealer:
    """Seals values on their way into the store and opens them on the way out."""

    def __init__(self, cipher: FieldCipher) -> None:
        self.cipher = cipher

    # --- whole documents: conversation state, outbox payloads ---------------------

    def seal_document(self, text: str) -> str:
        # A sealed string is ASCII letters, digits, "-_=:" only: quoting it is all
        # JSON needs, and json.dumps would scan it for escapes on every turn.
        return '"' + self.cipher.encrypt(text) + '"'

    def open_document(self, text: str) -> str:
        if text.startswith(_SEALED_DOCUMENT):
            return self.cipher.decrypt(text[1:-1])
        return text

    def open_parsed_document(self, value: Any) -> Any:
        """A document the backend already parsed (``export_user``): sealed, it is
        the sealed string itself."""
        if isinstance(value, str) and is_sealed(value):
            return json.loads(self.cipher.decrypt(value))
        return value

    # --- profiles ------------------------------------------------------------------

    def seal_profile(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Profile changes to store; ``None`` (remove the field) stays ``None``."""
        return {
            name: value if value is None or is_setting(name) else self.cipher.encrypt(_dumps(value))
            for name, value in fields.items()
        }

    def open_profile(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        # Any sealed value is opened, setting or not, so that moving a field on or
        # off the allow-list never strands what is already stored.
        return {
            name: json.loads(self.cipher.decrypt(value))
            if isinstance(value, str) and is_sealed(value) else value
            for name, value in fields.items()
        }

    # --- journal entries -----------------------------------------------------------

    def seal_journal(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {ENVELOPE: self.cipher.encrypt(_dumps(data))}

    def open_journal(self, data: dict[str, Any]) -> dict[str, Any]:
        if _is_envelope(data):
            opened: dict[str, Any] = json.loads(self.cipher.decrypt(data[ENVELOPE]))
            return opened
        return data

    # --- plain text ---------------------------------------------------------------

    def seal_text(self, text: str) -> str:
        return self.cipher.encrypt(text)

    def open_text(self, text: str) -> str:
        return self.cipher.decrypt(text) if is_sealed(text) else text

    # --- rotation ---------------------------------------------------------------------

    def rekey(self, column: str, stored: str) -> str | None:
        """``stored`` (a value of ``column``, plain or sealed under any of the
        cipher's keys) sealed under the cipher's first key; ``None`` when it
        already is.  Made for :meth:`~bot.store.base.RawStore.rewrite_text`; how
        each column is sealed is the schema catalogue's (:data:`TEXT_COLUMN`)."""
        text = TEXT_COLUMN.get(column)
        if text is None:
            raise ValueError(f"unknown free-text column {column!r}")
        seal = text.seal
        if seal == "document":
            if not stored.startswith(_SEALED_DOCUMENT):
                return self.seal_document(stored)
            piece = stored[1:-1]
            new = self._rekey_piece(piece)
            return None if new is piece else '"' + new + '"'
        if seal == "text":
            if not is_sealed(stored):
                return self.seal_text(stored)
            new = self._rekey_piece(stored)
            return None if new is stored else new
        if seal == "profile":
            return self._rekey_profile(json.loads(stored))
        data = json.loads(stored)  # seal == "journal"
        if not _is_envelope(data):
            return _dumps(self.seal_journal(data))
        new = self._rekey_piece(data[ENVELOPE])
        return None if new is data[ENVELOPE] else _dumps({ENVELOPE: new})

    def _rekey_profile(self, fields: dict[str, Any]) -> str | None:
        changed = False
        for name, value in fields.items():
            if isinstance(value, str) and is_sealed(value):
                new = self._rekey_piece(value)
            elif value is not None and not is_setting(name):
                new = self.cipher.encrypt(_dumps(value))
            else:
                continue
            if new is not value:
                fields[name] = new
                changed = True
        return _dumps(fields) if changed else None

    def _rekey_piece(self, sealed: str) -> str:
        if self.cipher.sealed_by_primary(sealed):
            return sealed
        return self.cipher.encrypt(self.cipher.decrypt(sealed))
