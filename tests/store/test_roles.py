"""The ``Store`` protocol is the union of its roles, and every store has all of them.

Components ask for the role they use (:class:`~bot.store.base.OutboxStore`,
:class:`~bot.store.base.ScheduleStore`, ...); the composition root hands them one
store.  The wrappers (:class:`~bot.store.resilient.ResilientStore`,
:class:`~bot.store.encrypted.EncryptedStore`) must therefore gain every method a
role gains, with the same parameters, or a component would fail only once it is
running behind them.
"""

from __future__ import annotations

import inspect

import pytest

from bot.store import base
from bot.store.encrypted import EncryptedStore
from bot.store.resilient import ResilientStore
from bot.store.sqlite import SqliteStore

ROLES = (
    base.Lifecycle, base.TurnStore, base.OutboxStore, base.ScheduleStore, base.JournalStore,
    base.GroupStore, base.PrivacyStore, base.MaintenanceStore,
)


def methods(protocol: type) -> dict[str, inspect.Signature]:
    """The methods ``protocol`` declares itself (not those it inherits)."""
    return {name: inspect.signature(member) for name, member in vars(protocol).items()
            if inspect.isfunction(member) and not name.startswith("_")}


def stores() -> list[type]:
    found: list[type] = [SqliteStore, ResilientStore, EncryptedStore]
    try:
        from bot.store.postgres import PostgresStore
    except ImportError:  # asyncpg is an optional extra
        return found
    return [*found, PostgresStore]


def test_store_is_exactly_the_union_of_its_roles() -> None:
    assert base.Store.__mro__[1:1 + len(ROLES)] == ROLES
    assert methods(base.Store) == {}  # nothing that belongs to no role
    declared = [name for role in ROLES for name in methods(role)]
    assert len(declared) == len(set(declared)), "a method in two roles"


@pytest.mark.parametrize("store", stores(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("role", ROLES, ids=lambda cls: cls.__name__)
def test_every_store_fills_every_role(store: type, role: type) -> None:
    for name, wanted in methods(role).items():
        have = getattr(store, name, None)
        assert have is not None, f"{store.__name__} lacks {role.__name__}.{name}"
        assert inspect.iscoroutinefunction(have), f"{store.__name__}.{name} is not async"
        assert list(inspect.signature(have).parameters.values()) == list(
            wanted.parameters.values()), f"{store.__name__}.{name} takes other parameters"


@pytest.mark.parametrize(
    "store", [cls for cls in stores() if cls not in (ResilientStore, EncryptedStore)],
    ids=lambda cls: cls.__name__)
def test_backends_are_raw_stores(store: type) -> None:
    """Key rotation rewrites stored text through the backend itself."""
    for name, wanted in methods(base.RawStore).items():
        assert list(inspect.signature(getattr(store, name)).parameters.values()) == list(
            wanted.parameters.values()), f"{store.__name__}.{name}"
