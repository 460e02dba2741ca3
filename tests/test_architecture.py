"""The parts of the system and the imports that must never exist, read from the code.

Every ``import`` in ``bot/`` and ``adapters/`` is read with :mod:`ast` (at module
level, under ``if TYPE_CHECKING:`` and inside functions alike), so a rule is
checked against what the code says, not against what a diagram claims.  A
failure names the importing module, the line and the import statement, and for
a rule that holds transitively the whole chain that leads to the forbidden part.

The rules (see ARCHITECTURE.md):

* the engine (``bot.engine``, ``bot.dialogue``, ``bot.groups``) is pure: nothing
  it imports, directly or through other modules, reaches the store, the runtime,
  the outbox, the composition root or an adapter, or an I/O library;
* safety (``bot.safety``, and ``bot.safety_floor``, which must send crisis lines
  when the database is down) never reaches the store or an adapter;
* adapters only translate: they import neither the store nor the engine, the
  dialogues, the runtime or the composition root (they get ``bot.platform``'s
  ``RuntimePort``);
* the store never reaches the engine, the runtime or an adapter;
* the runtime never reaches an adapter;
* no import cycles among the modules.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "adapters")


@dataclass(frozen=True, slots=True)
class Import:
    """One name an import statement brings in, resolved to a module."""

    importer: str
    target: str
    """The module imported: one of ours (the deepest one the name points into) or
    an outside top-level package such as ``asyncio``."""
    line: int
    statement: str
    lazy: bool
    """Inside a function: runs only when called."""
    type_only: bool
    """Under ``if TYPE_CHECKING:``: never runs."""

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} `{self.statement}`"


@dataclass(frozen=True, slots=True)
class Codebase:
    """Every module of ``packages`` under ``root`` and the imports each one makes."""

    modules: Mapping[str, Path]
    imports: Mapping[str, tuple[Import, ...]]

    @classmethod
    def read(cls, root: Path, packages: Iterable[str]) -> Codebase:
        modules: dict[str, Path] = {}
        packages_seen: set[str] = set()
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                parts = list(path.relative_to(root).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts.pop()
                    packages_seen.add(".".join(parts))
                modules[".".join(parts)] = path
        imports = {name: tuple(_imports_of(name, path, name in packages_seen, modules))
                   for name, path in modules.items()}
        return cls(modules, imports)

    def edges(self, *, lazy: bool = True, type_only: bool = True,
              parents: bool = False) -> dict[str, dict[str, Import]]:
        """importer -> {imported module of ours -> the first import that does it}.

        ``parents`` adds what Python does on its own: importing ``bot.store.base``
        first runs ``bot/store/__init__.py``.
        """
        graph: dict[str, dict[str, Import]] = {name: {} for name in self.modules}
        for name, found in self.imports.items():
            for imp in found:
                if imp.target not in self.modules or imp.target == name:
                    continue
                if (imp.lazy and not lazy) or (imp.type_only and not type_only):
                    continue
                graph[name].setdefault(imp.target, imp)
                if parents:
                    parent = imp.target.rpartition(".")[0]
                    while parent and parent != name and parent in self.modules:
                        graph[name].setdefault(parent, imp)
                        parent = parent.rpartition(".")[0]
        return graph


def _imports_of(name: str, path: Path, is_package: bool,
                modules: Mapping[str, Path]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = name.split(".") if is_package else name.split(".")[:-1]

    def resolve(dotted: str) -> str:
        # The deepest module of ours the dotted name points into ("bot.store.base.Store"
        # is bot.store.base); anything else is known by its top-level package.
        probe = dotted
        while probe:
            if probe in modules:
                return probe
            probe = probe.rpartition(".")[0]
        return dotted.split(".")[0]

    def walk(node: ast.AST, lazy: bool, type_only: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            child_lazy = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                            | ast.Lambda)
            if isinstance(child, ast.Import | ast.ImportFrom):
                statement = ast.unparse(child)
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    base = child.module or ""
                    if child.level:
                        anchor = here[:len(here) - (child.level - 1)]
                        base = ".".join([*anchor, *([base] if base else [])])
                    # "from bot import engine" imports the module bot.engine.
                    targets = [f"{base}.{alias.name}" for alias in child.names]
                for target in dict.fromkeys(resolve(t) for t in targets):
                    yield Import(name, target, child.lineno, statement, lazy, type_only)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                # Only the body is type-only; an ``else:`` runs.
                yield from walk(ast.Module(body=child.body, type_ignores=[]), lazy, True)
                yield from walk(ast.Module(body=child.orelse, type_ignores=[]), lazy, type_only)
            else:
                yield from walk(child, child_lazy, type_only)

    yield from walk(tree, False, False)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _within(module: str, parts: Iterable[str]) -> bool:
    return any(module == part or module.startswith(part + ".") for part in parts)


@dataclass(frozen=True, slots=True)
class Rule:
    """Modules in ``importers`` never import anything in ``forbidden``."""

    name: str
    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    transitive: bool
    """Also through other modules (the import of a module runs its imports)."""
    libraries: tuple[str, ...] = ()
    """Outside packages that are forbidden too (anywhere along the way if transitive)."""

    def violations(self, code: Codebase) -> list[str]:
        graph = code.edges(parents=True)
        found: list[str] = []
        for start in sorted(m for m in code.modules if _within(m, self.importers)):
            # Breadth first, so each forbidden module is reported by its shortest chain.
            chains: dict[str, tuple[Import, ...]] = {start: ()}
            queue = [start]
            while queue:
                module = queue.pop(0)
                chain = chains[module]
                for imp in code.imports[module]:
                    if imp.target in self.libraries:
                        found.append(_describe(start, (*chain, imp)))
                for target, imp in graph[module].items():
                    if target in chains:
                        continue
                    chains[target] = (*chain, imp)
                    if _within(target, self.forbidden):
                        found.append(_describe(start, chains[target]))
                    elif self.transitive:
                        queue.append(target)
        return sorted(set(found))


def _describe(start: str, chain: tuple[Import, ...]) -> str:
    if len(chain) == 1:
        return f"{chain[0]} imports {chain[-1].target}"
    steps = " -> ".join(str(imp) for imp in chain)
    return f"{start} reaches {chain[-1].target}: {steps}"


ENGINE = ("bot.engine", "bot.turn", "bot.dialogue", "bot.groups", "bot.nudges.turn")
STORE = ("bot.store",)
ADAPTERS = ("adapters",)
RUNTIME = ("bot.runtime", "bot.delivery", "bot.scheduler", "bot.turn_guard")
COMPOSITION_ROOT = ("bot.app", "bot.cli", "bot.__main__")
IO_LIBRARIES = ("asyncio", "aiosqlite", "asyncpg", "sqlite3", "socket", "aiohttp",
                "telegram", "discord", "httpx")

RULES = (
    Rule("the engine is pure", ENGINE,
         (*STORE, *RUNTIME, *COMPOSITION_ROOT, *ADAPTERS), transitive=True,
         libraries=IO_LIBRARIES),
    Rule("safety needs no store", ("bot.safety", "bot.safety_floor"),
         (*STORE, *ADAPTERS), transitive=True),
    # An adapter sees the bot through bot.platform's RuntimePort: never the store,
    # the engine, the dialogues, the runtime itself or the composition root (App).
    Rule("adapters only translate", ADAPTERS,
         (*STORE, "bot.engine", "bot.dialogue", "bot.runtime", *COMPOSITION_ROOT),
         transitive=False),
    Rule("the store knows no conversation", STORE,
         ("bot.engine", "bot.runtime", *ADAPTERS), transitive=True),
    Rule("the runtime knows no platform", ("bot.runtime",), ADAPTERS, transitive=True),
)

def cycles(graph: Mapping[str, Mapping[str, Import]]) -> list[list[Import]]:
    """One cycle (as the imports that close it) per strongly connected group."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, group) for group in groups]


def _cycle_in(graph: Mapping[str, Mapping[str, Import]], group: set[str]) -> list[Import]:
    """A shortest way round from the group's first module back to itself."""
    start = min(group)
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for target, imp in sorted(graph[module].items()):
            if target == start:
                return [*paths[module], imp]
            if target in group and target not in paths:
                paths[target] = [*paths[module], imp]
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover - Tarjan found one


def _members(cycle: list[Import]) -> frozenset[str]:
    return frozenset(imp.importer for imp in cycle)


def _show(cycle: list[Import]) -> str:
    return " -> ".join(str(imp) for imp in cycle)


@pytest.fixture(scope="module")
def code() -> Codebase:
    return Codebase.read(ROOT, PACKAGES)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_forbidden_imports(code: Codebase, rule: Rule) -> None:
    violations = rule.violations(code)
    assert not violations, f"{rule.name}:\n  " + "\n  ".join(violations)


def test_no_import_cycles(code: Codebase) -> None:
    """Module-level imports (``TYPE_CHECKING`` ones too: a cycle of types is still
    two modules that cannot be understood, or moved, one without the other)."""
    found = cycles(code.edges(lazy=False))
    assert not found, "import cycles:\n  " + "\n  ".join(_show(c) for c in found)


def test_no_cycle_hidden_by_a_lazy_import(code: Codebase) -> None:
    """An import inside a function that closes a cycle only hides it: which module
    is half-initialised then depends on who is imported first."""
    found = cycles(code.edges())
    assert not found, "import cycles through lazy imports:\n  " + "\n  ".join(
        _show(c) for c in found)


def test_benchmarks_stay_out_of_the_installed_package(code: Codebase) -> None:
    """The wheel ships ``bot`` and ``adapters`` only, so they may reach ``benchmarks``
    only through an import inside a function (``compassion-bot bench``)."""
    eager = [str(imp) for found in code.imports.values() for imp in found
             if imp.target == "benchmarks" and not imp.lazy]
    assert not eager, "benchmarks imported at module level:\n  " + "\n  ".join(eager)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert sorted(wheel["packages"]) == ["adapters", "bot"]


def test_bench_without_benchmarks_says_how_to_get_them(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bot import cli

    # As after `pip install compassion-bot`: no benchmarks package to be found.
    monkeypatch.setitem(sys.modules, "benchmarks", None)
    assert cli.main(["bench"]) == 2
    assert "checkout" in capsys.readouterr().err


# --- the checker itself: it must find what it is meant to find -------------------


def _tree(root: Path, files: Mapping[str, str]) -> Codebase:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Codebase.read(root, ["bot", "adapters"])


def test_the_checker_names_a_forbidden_import_inside_a_function(tmp_path: Path) -> None:
    code = _tree(tmp_path, {
        "bot/__init__.py": "",
        "bot/engine.py": "from bot import text\n",
        "bot/text.py": "def f():\n    from bot.store.base import Store\n",
        "bot/store/__init__.py": "",
        "bot/store/base.py": "",
        "adapters/__init__.py": "",
        "adapters/tg.py": "from typing import TYPE_CHECKING\n"
                          "if TYPE_CHECKING:\n    from bot.engine import X\n",
    })
    engine, _, adapters, *_ = RULES
    assert engine.violations(code) == [
        "bot.engine reaches bot.store.base: bot.engine:1 `from bot import text` -> "
        "bot.text:2 `from bot.store.base import Store`"]
    assert adapters.violations(code) == [
        "adapters.tg:3 `from bot.engine import X` imports bot.engine"]


def test_the_checker_names_an_io_library_and_a_relative_import(tmp_path: Path) -> None:
    code = _tree(tmp_path, {
        "bot/__init__.py": "",
        "bot/dialogue/__init__.py": "from .spec import Dialogue\n",
        "bot/dialogue/spec.py": "import asyncio\n",
    })
    assert RULES[0].violations(code) == [
        "bot.dialogue reaches asyncio: bot.dialogue:1 `from .spec import Dialogue` -> "
        "bot.dialogue.spec:1 `import asyncio`",
        "bot.dialogue.spec:1 `import asyncio` imports asyncio"]


def test_the_checker_reports_a_cycle_with_its_imports(tmp_path: Path) -> None:
    code = _tree(tmp_path, {
        "bot/__init__.py": "",
        "bot/a.py": "from bot.b import x\n",
        "bot/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot import a\n",
        "bot/c.py": "def f():\n    import bot.d\n",
        "bot/d.py": "import bot.c\n",
    })
    [module_level] = cycles(code.edges(lazy=False))
    assert _show(module_level) == "bot.a:1 `from bot.b import x` -> bot.b:3 `from bot import a`"
    assert sorted(sorted(_members(c)) for c in cycles(code.edges())) == [
        ["bot.a", "bot.b"], ["bot.c", "bot.d"]]


def test_a_bot_without_a_key_or_a_chart_loads_neither_library() -> None:
    """Pillow and cryptography are about 12 MB resident together: a bot assembled
    without ``ENCRYPTION_KEY`` that has drawn no chart carries neither."""
    probe = (
        "import sys\n"
        "from bot.app import assemble_runtime, build_services\n"
        "from bot.config import Settings\n"
        "from bot.crypto import parse_keys\n"
        "Settings()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PIL', 'cryptography'}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ENCRYPTION_KEY"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=True)
    assert done.stdout.strip() == "[]"
