"""The encryption key check at startup, and re-encryption under a new key.

The ``meta`` row ``key_check`` holds one small sealed check value for every key
that may have sealed something still stored (space-separated; usually just
one).  A key is added there *before* it seals anything: by a bot started with
``ENCRYPTION_KEY=NEW,OLD`` (NEW seals new text) and by ``keys rotate`` before its
first batch.  Only when a rotation has sealed everything under the new key does
the list shrink to that key alone, in one write.

Every start opens all of the check values first, so ``ENCRYPTION_KEY`` passes
only when it opens every sealed value in the database, at the cost of a few
decryptions rather than a scan: a wrong key, a missing key, or the old key
after a rotation that was killed halfway is refused right there, with an error
naming ``ENCRYPTION_KEY`` and saying what to run, before anything is read or
written.
"""

from __future__ import annotations

from bot.crypto import EncryptionKeyError, FieldCipher
from bot.store.base import MaintenanceStore, RawStore
from bot.store.sealed import Sealer

KEY_CHECK = "key_check"
"""The ``meta`` entry holding the check values, one per key, space-separated."""

_CHECK_TEXT = "compassion-bot key check"

NO_KEY = (
    "this database holds encrypted text, but ENCRYPTION_KEY is not set: "
    "set it to the key the data was encrypted with (nothing was changed)"
)
WRONG_KEY = (
    "ENCRYPTION_KEY is not the key this database was encrypted with "
    "(nothing was changed); set the key it was encrypted with"
)
PART_KEY = (
    "ENCRYPTION_KEY opens only part of this database: a `keys rotate` did not finish "
    "(nothing was changed). Finish it: `compassion-bot keys rotate --new-key -` with this "
    "ENCRYPTION_KEY, typing the new key; or run meanwhile with ENCRYPTION_KEY=NEW,OLD"
)

ROTATE_WRONG_KEY = (
    "ENCRYPTION_KEY is not the key this database was encrypted with "
    "(nothing was changed); set it to the current key before rotating"
)
ROTATE_PART_KEY = (
    "part of this database is encrypted with a key that is neither ENCRYPTION_KEY "
    "nor --new-key (nothing was changed): an earlier rotation did not finish; give "
    "--new-key the key that rotation was moving to, or add the missing key to ENCRYPTION_KEY"
)


def read_checks(stored: str | None) -> list[str]:
    """The check values of a ``key_check`` entry (one per key, oldest first)."""
    return stored.split() if stored else []


def _new_check(cipher: FieldCipher) -> str:
    """A check value only ``cipher``'s first key opens: proof of that key, no secret."""
    return cipher.encrypt(_CHECK_TEXT)


def _refusal(cipher: FieldCipher, checks: list[str]) -> str | None:
    """Why ``cipher`` may not open a database with these check values, or ``None``."""
    opened = [cipher.opens(check) for check in checks]
    if all(opened):
        return None
    return PART_KEY if any(opened) else WRONG_KEY


async def verify_key(store: MaintenanceStore, cipher: FieldCipher | None) -> None:
    """Refuse a key that does not open everything stored; register a key that is
    about to seal for the first time.

    Raises :class:`EncryptionKeyError` (naming ``ENCRYPTION_KEY``) when ``cipher``
    cannot open every check value, or when there is no ``cipher`` but the
    database holds any.
    """
    checks = read_checks(await store.get_meta(KEY_CHECK))
    if cipher is None:
        if checks:
            raise EncryptionKeyError(NO_KEY)
        return
    refusal = _refusal(cipher, checks)
    if refusal is not None:
        raise EncryptionKeyError(refusal)
    if not any(cipher.sealed_by_primary(check) for check in checks):
        # This key seals everything written from now on: from now on it is
        # needed to open the database, alongside the keys already listed.
        await store.set_meta(KEY_CHECK, " ".join([*checks, _new_check(cipher)]))


async def rotate_keys(
    store: RawStore, old: FieldCipher | None, new_key: str, *, batch: int = 500
) -> dict[str, int]:
    """Seal every free-text value under ``new_key``; returns values changed per column.

    ``old`` opens what is sealed now (``None``: the database was used without a
    key, and its plain values are sealed).  The new key is registered in the key
    check before the first value is sealed under it, so a rotation killed
    halfway leaves a database that only ``NEW,OLD`` (or running this again)
    opens; the check shrinks to the new key alone once everything is under it.
    Values already under ``new_key`` are left alone, so running it again after
    an interruption finishes the job.
    """
    new = FieldCipher([new_key])
    both = new if old is None else old.with_primary(new_key)
    checks = read_checks(await store.get_meta(KEY_CHECK))
    refusal = _refusal(both, checks)
    if refusal is not None:
        raise EncryptionKeyError(ROTATE_WRONG_KEY if refusal == WRONG_KEY else ROTATE_PART_KEY)
    if not any(new.opens(check) for check in checks):
        await store.set_meta(KEY_CHECK, " ".join([*checks, _new_check(new)]))
    changed = await store.rewrite_text(Sealer(both).rekey, batch=batch)
    await store.set_meta(KEY_CHECK, _new_check(new))
    return changed
