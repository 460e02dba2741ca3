"""The router's cue table and greetings, read from ``dialogues/library/routing.yaml``.

One job: load the file and check it, naming the file, the route and the cue of
every problem, so an author adding an exercise never touches Python.  What the
cues mean (the phrase syntax, how totals are added) is :mod:`bot.route_scorer`'s;
what the totals lead to is :mod:`bot.router`'s.  Measure any change with
``compassion-bot router eval``.

The file keeps one table for all routes rather than a section in each dialogue:
the weights are tuned against each other (a 4 for breathing means as much as a 4
for the break), the negation redirects and greetings belong to no one dialogue,
and the learned model (:mod:`bot.route_model`) takes the routes' totals in the
table's order, which one file keeps in sight.

The composition root loads the file of its dialogues folder
(:func:`load_route_cues`); callers without settings (the router's own command
line, training, tests) share the shipped one (:func:`shipped_route_cues`).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import default_dialogues_dir
from bot.dialogue.loader import dialogue_files, parse_file, read_yaml_file
from bot.route_scorer import ENGLISH_NEGATION, CueError, Negation, check_cue
from bot.text import answer_key

ROUTING_FILE = Path("library") / "routing.yaml"
"""Where the table lives, inside the dialogues folder."""

_SECTIONS = frozenset({"greetings", "routes", "negated_to", "negation"})


class RoutingError(ValueError):
    """The routing file is not valid; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the routing file:\n"
                         + "\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class RouteCues:
    """The checked content of a routing file."""

    cues: Mapping[str, Mapping[str, float]]
    """Route -> cue phrase -> weight, routes in the file's order (the model's inputs)."""
    negated_to: Mapping[str, str]
    """Route whose negated cues speak for another route."""
    greetings: frozenset[str]
    """Whole messages (in :func:`bot.text.answer_key` form) that open the menu."""
    negation: Negation = ENGLISH_NEGATION
    """The language's negation words (English unless the file has a ``negation:``
    section with ``negators``, ``affirming`` and ``scope_breaks``)."""


def _is_number(value: object) -> bool:
    # YAML reads "yes" as True, and a bool is an int to Python: not a weight.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_greetings(source: str, raw: object) -> list[str]:
    if not isinstance(raw, list) or not raw:
        return [f"{source}: 'greetings' must be a list of words"]
    problems: list[str] = []
    seen: set[str] = set()
    for greeting in raw:
        if not isinstance(greeting, str) or not greeting.strip():
            problems.append(f"{source}: greeting {greeting!r}: must be words")
        elif answer_key(greeting) != greeting:
            # Messages are compared in answer_key form, so any other spelling never matches.
            problems.append(f"{source}: greeting {greeting!r}: write it as "
                            f"{answer_key(greeting)!r}, or it never matches")
        elif greeting in seen:
            problems.append(f"{source}: greeting {greeting!r}: listed twice")
        seen.add(str(greeting))
    return problems


def _check_routes(source: str, raw: object) -> list[str]:
    if not isinstance(raw, dict) or not raw:
        return [f"{source}: 'routes' must map each route to its cues"]
    problems: list[str] = []
    for route, cues in raw.items():
        where = f"{source}: route {route!r}"
        if not isinstance(route, str):
            problems.append(f"{where}: a route is a dialogue id")
            continue
        if not isinstance(cues, dict) or not cues:
            problems.append(f"{where}: must map cue phrases to weights")
            continue
        for cue, weight in cues.items():
            if not isinstance(cue, str):
                problems.append(f"{where}: cue {cue!r}: a cue is a phrase (quote it)")
                continue
            try:
                check_cue(cue)
            except CueError as exc:
                problems.append(f"{where}: {exc}")
            if not _is_number(weight) or weight == 0:
                problems.append(f"{where}: cue {cue!r}: the weight must be a number other "
                                f"than 0, not {weight!r}")
    return problems


def _check_negated(source: str, raw: object, routes: Collection[object]) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{source}: 'negated_to' must map a route to another"]
    return [f"{source}: negated_to {route!r}: {target!r}: both must be routes of the table"
            for route, target in raw.items() if route not in routes or target not in routes]


def parse_route_cues(raw: Any, source: str) -> RouteCues:
    """Check the parsed YAML of a routing file; ``source`` names it in problems."""
    if not isinstance(raw, dict):
        raise RoutingError([f"{source}: the file must hold one mapping"])
    problems = [f"{source}: unknown section {key!r} (expected {', '.join(sorted(_SECTIONS))})"
                for key in raw if key not in _SECTIONS]
    problems += _check_greetings(source, raw.get("greetings"))
    problems += _check_routes(source, raw.get("routes"))
    found = raw.get("routes")
    routes: dict[Any, Any] = found if isinstance(found, dict) else {}
    problems += _check_negated(source, raw.get("negated_to", {}), routes)
    negation, negation_problems = _negation(source, raw.get("negation"))
    problems += negation_problems
    if problems:
        raise RoutingError(problems)
    return RouteCues(
        cues={route: {cue: float(w) for cue, w in cues.items()} for route, cues in routes.items()},
        negated_to=dict(raw.get("negated_to", {})),
        greetings=frozenset(raw["greetings"]),
        negation=negation,
    )


_NEGATION_KEYS = ("negators", "affirming", "scope_breaks")


def _negation(source: str, raw: Any) -> tuple[Negation, list[str]]:
    """A ``negation:`` section (each key a list of words), or English without one."""
    if raw is None:
        return ENGLISH_NEGATION, []
    if not isinstance(raw, dict) or set(raw) - set(_NEGATION_KEYS):
        return ENGLISH_NEGATION, [f"{source}: 'negation' maps {', '.join(_NEGATION_KEYS)} "
                                  "to lists of words"]
    lists = {key: raw.get(key, []) for key in _NEGATION_KEYS}
    if not all(isinstance(v, list) and all(isinstance(w, str) and w for w in v)
               for v in lists.values()):
        return ENGLISH_NEGATION, [f"{source}: 'negation' lists must hold words"]
    return Negation(*(frozenset(answer_key(w) for w in lists[key]) for key in _NEGATION_KEYS)), []


def load_route_cues(path: Path) -> RouteCues:
    """Load and check a routing file; raise :class:`RoutingError` listing every problem."""
    raw = read_yaml_file(path, RoutingError)
    return parse_route_cues(raw, path.name)


@functools.lru_cache(maxsize=1)
def shipped_route_cues() -> RouteCues:
    """The routing file of the shipped dialogues, read once per process."""
    return load_route_cues(default_dialogues_dir() / ROUTING_FILE)


def check_route_cues(folders: Collection[Path]) -> list[str]:
    """Every problem of the routing file in each dialogues folder given (for
    ``dialogues check``): the file itself, and routes no dialogue there answers."""
    problems: list[str] = []
    for folder in folders:
        path = folder / ROUTING_FILE
        if not folder.is_dir() or not path.exists():
            continue
        try:
            table = load_route_cues(path)
        except RoutingError as exc:
            problems += exc.problems
            continue
        known = {item.dialogue.id for item in (parse_file(f)[0] for f in dialogue_files([folder]))
                 if item is not None}
        problems += [f"{path.name}: route {route!r}: no dialogue {route!r} in {folder}"
                     for route in table.cues if route not in known]
    return problems


def __getattr__(name: str) -> Any:
    """``CUES`` and ``NEGATED_TO``: the shipped table, read on first use rather than
    at import (nothing is built at import time), for readers that want the table."""
    if name == "CUES":
        return shipped_route_cues().cues
    if name == "NEGATED_TO":
        return shipped_route_cues().negated_to
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ROUTING_FILE", "RouteCues", "RoutingError", "check_route_cues", "load_route_cues",
           "parse_route_cues", "shipped_route_cues"]
