"""The encryption key check at startup, and re-encryption under a new key.

The first time the bot opens a database with a key, it stores a small sealed
check value (``meta`` row ``key_check``).  Every later start opens it first: a
wrong key, or no key at all for a database that holds sealed text, is refused
right there, with an error naming ``ENCRYPTION_KEY``, before anything is read
or written.
"""

from __future__ import annotations

from bot.crypto import EncryptionKeyError, FieldCipher
from bot.store.base import RawStore, Store
from bot.store.sealed import Sealer

KEY_CHECK = "key_check"
"""The ``meta`` entry holding a value sealed under the database's key."""

_CHECK_TEXT = "compassion-bot key check"


async def verify_key(store: Store, cipher: FieldCipher | None) -> None:
    """Refuse a key that does not fit the database; remember the key on first use.

    Raises :class:`EncryptionKeyError` (naming ``ENCRYPTION_KEY``) when ``cipher``
    cannot open the stored check value, or when there is no ``cipher`` but the
    database holds one.
    """
    stored = await store.get_meta(KEY_CHECK)
    if cipher is None:
        if stored is not None:
            raise EncryptionKeyError(
                "this database holds encrypted text, but ENCRYPTION_KEY is not set: "
                "set it to the key the data was encrypted with (nothing was changed)"
            )
        return
    if stored is None:
        await store.set_meta(KEY_CHECK, cipher.encrypt(_CHECK_TEXT))
        return
    if not cipher.opens(stored):
        raise EncryptionKeyError(
            "ENCRYPTION_KEY is not the key this database was encrypted with "
            "(nothing was changed); set the key it was encrypted with"
        )


async def rotate_keys(
    store: RawStore, old: FieldCipher | None, new_key: str, *, batch: int = 500
) -> dict[str, int]:
    """Seal every free-text value under ``new_key``; returns values changed per column.

    ``old`` opens what is sealed now (``None``: the database was used without a
    key, and its plain values are sealed).  Values already under ``new_key`` are
    left alone, so running it again after an interruption finishes the job; the
    key check moves to ``new_key`` last, once everything is under it.
    """
    new = FieldCipher([new_key])
    stored = await store.get_meta(KEY_CHECK)
    if stored is not None and not new.opens(stored) and (old is None or not old.opens(stored)):
        raise EncryptionKeyError(
            "ENCRYPTION_KEY is not the key this database was encrypted with "
            "(nothing was changed); set it to the current key before rotating"
        )
    both = new if old is None else old.with_primary(new_key)
    changed = await store.rewrite_text(Sealer(both).rekey, batch=batch)
    if stored is None or not new.opens(stored):
        await store.set_meta(KEY_CHECK, new.encrypt(_CHECK_TEXT))
    return changed
