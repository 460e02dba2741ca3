"""Prove, cheaply, that a rule family cannot match a message: :class:`Gate`.

One job: before the detector runs a family's big alternation over a message, say
whether any of its rules *could* match.  Most messages are everyday chat ("I
snapped at my sister") in which no family can match, and then none need run.

How it works.  Each family's compiled regular expression is read back with the
standard library's own parser (so what is analysed is exactly what runs) and,
for every rule, the analysis finds *clauses*: sets of literal strings such that
every match of the rule contains at least one string of each set.  A literal
such as ``" kil myself"`` can only occur in a message if ``myself`` is a whole
word of it (a run of ``\\w`` characters with a non-word character or the edge
of the text on both sides), so each literal becomes a few whole words that must
be present plus the literal itself as a substring.  Word boundaries written in
the rule (``(?<!\\w)``, ``\\b``, ``$``...) count as edges, and so do the spaces
and punctuation around a group.

Per rule, one clause whose every literal names a whole word is the *gate*: its
words index the rule.  For a message, the words are collected once; a rule is a
candidate only if one of them indexes it, and the candidate's clauses are then
checked in full.  A family runs if any of its rules is still possible, or if it
has a rule the analysis cannot gate (then it always runs).

This never changes a verdict: a family that is skipped has no match in the
message, and the detector makes nothing of a family that has no match.  The
analysis is conservative wherever it is unsure (any construct it does not know
proves nothing, so can only make a family run), and the tests compare the gated
and ungated detector on the eval set and on generated text.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.safety.normalise import squeeze

__all__ = [
    "Gate",
    "GatePlan",
    "build_gate",
    "cached_gate",
    "gate_from_plan",
    "message_words",
    "plan_gate",
    "plan_key",
    "write_plan",
]

# The standard library's regular-expression parser (Python 3.11+).  It is private
# API; if a future Python moves it, every family simply runs, as before.
try:
    _parser: Any = importlib.import_module("re._parser")
    _c: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - depends on the Python version
    _parser = None
    _c = None

# A boundary in a "model string": the edge of a word, where the text has a
# non-word character or ends.  Word boundaries in a rule become this character.
_B = "\x01"
_B_CODE = ord(_B)
# At most this many exact strings are tracked for one part of a pattern; beyond
# it the part proves only the clauses found inside it.
_LIMIT = 128
# Per rule, the gate and at most this many further clauses are checked.
_EXTRA_CLAUSES = 3

_WORD = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W")  # the boundary character is non-word too
_HAS_WORD = re.compile(r"\w").search

# Very common words make poor gates: nearly every message has them.  Written in
# plain spelling and squeezed like the text ("all" -> "al", "feel" -> "fel").
_COMMON_WORDS = """
a about after again all also always am an and any anymore anyone anything are around as
at away back bad be because been before being better big but by can cant come could day
days did didnt do does doesnt doing done dont down even ever every everyone everything
feel feeling felt few first for friend friends from get gets getting give go going gone
good got had has have having he her here him his home how i id if ill im in into is it
its ive just keep kind know last left let life like little long look lot love made make
makes many may me mean more most much my myself need never new next night no not nothing
now of off oh ok okay old on one only or other our out over people really right said same
say see she should since so some someone something sometimes sorry start started still
stop take talk tell than thank thanks that thats the their them then there these they
thing things think this those though thought through time to today told too tried try
trying up us use used very want wanted was way we week well went were what when where
which while who why will with without work would yeah yes yet you your
que de la el en es lo los las se me mi no por para con un una y yo muy mas pero
je tu il elle et le les des un une pas ne de du est suis moi ca plus
ich du er sie es und der die das nicht ist bin mich mir ein eine mehr zu
eu voce ele ela e o os as um uma nao com para mais muito
"""


_COMMON = frozenset(squeeze(word) for word in _COMMON_WORDS.split())


def message_words(text: str) -> frozenset[str]:
    """The whole words of a message, as the gates read them."""
    return frozenset(_WORD.findall(text))


def _is_word_char(ch: str) -> bool:
    # What ``\w`` means in a ``str`` pattern: alphanumeric or underscore.
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True, slots=True)
class _Props:
    """Context facts about a node, in model strings (boundaries count as characters).

    ``starts_sep``/``ends_sep``: every non-empty match starts/ends with a non-word
    character or a boundary; ``nullable``: it may match nothing."""

    nullable: bool
    starts_sep: bool
    ends_sep: bool


@dataclass(frozen=True, slots=True)
class _Info:
    exact: frozenset[str] | None  # every model string it can match, if few
    clauses: tuple[frozenset[str], ...]  # each: every match contains one of these
    props: _Props


_UNKNOWN = _Props(nullable=True, starts_sep=False, ends_sep=False)
_EMPTY = _Props(nullable=True, starts_sep=True, ends_sep=True)  # matches only ""
_MARK = _Props(nullable=False, starts_sep=True, ends_sep=True)  # a boundary
_SEP_CHAR = _MARK  # one non-word character
_WORD_CHAR = _Props(nullable=False, starts_sep=False, ends_sep=False)


# The facts of each ASCII character as a literal: most items of a pattern.
_ASCII_PROPS = tuple(_WORD_CHAR if _is_word_char(chr(code)) else _SEP_CHAR for code in range(128))


def _items(sub: Any) -> list[Any]:
    """The (op, argument) items of a parsed sequence, as a plain list."""
    data = getattr(sub, "data", None)
    return data if isinstance(data, list) else list(sub)


def _cross(left: frozenset[str], right: frozenset[str]) -> frozenset[str]:
    return frozenset((a + b).replace(_B + _B, _B) for a in left for b in right)


def _seq_props(props: Sequence[_Props]) -> _Props:
    """The facts of a sequence, from the facts of its items."""
    nullable = True
    starts = True
    for p in props:
        starts = starts and p.starts_sep
        if not p.nullable:
            nullable = False
            break
    ends = True
    for p in reversed(props):
        ends = ends and p.ends_sep
        if not p.nullable:
            break
    return _Props(nullable, starts, ends)


class _Analyser:
    """Walks one parsed pattern; records the clauses of each capturing group."""

    def __init__(self, chooser: _Chooser) -> None:
        self.groups: dict[int, tuple[frozenset[str], ...]] = {}
        self.chooser = chooser
        # id(av) -> (op, av, props); holding av keeps its id from being reused
        self._props: dict[int, tuple[Any, Any, _Props]] = {}

    # -- context-free facts ----------------------------------------------------

    def props(self, op: Any, av: Any) -> _Props:
        if op is _c.LITERAL:
            return _SEP_CHAR if not _is_word_char(chr(av)) else _WORD_CHAR
        hit = self._props.get(id(av))
        if hit is not None and hit[0] is op and hit[1] is av:
            return hit[2]
        props = self._props_uncached(op, av)
        self._props[id(av)] = (op, av, props)
        return props

    def _props_uncached(self, op: Any, av: Any) -> _Props:
        c = _c
        if op is c.IN:
            sep = _class_is_non_word(av)
            return _Props(False, sep, sep)
        if op is c.SUBPATTERN:
            if av[1] or av[2]:
                return _UNKNOWN  # inline flags: not analysed
            return self.seq_props(av[3])
        if op is c.ATOMIC_GROUP:
            return self.seq_props(av)
        if op is c.BRANCH:
            branches = [self.seq_props(b) for b in av[1]]
            return _Props(
                any(p.nullable for p in branches),
                all(p.starts_sep for p in branches),
                all(p.ends_sep for p in branches),
            )
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, _hi, sub = av
            p = self.seq_props(sub)
            return _Props(lo == 0 or p.nullable, p.starts_sep, p.ends_sep)
        if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            return _MARK if self.boundary(op, av) else _EMPTY
        return _UNKNOWN

    def item_props(self, items: list[Any]) -> list[_Props]:
        literal = _c.LITERAL
        return [
            _ASCII_PROPS[av] if op is literal and av < 128 else self.props(op, av)
            for op, av in items
        ]

    def seq_props(self, items: Sequence[Any]) -> _Props:
        return _seq_props(self.item_props(_items(items)))

    def boundary(self, op: Any, av: Any) -> bool:
        """Whether a zero-width assertion proves a word edge at its position."""
        c = _c
        if op is c.AT:
            return av in (
                c.AT_BEGINNING,
                c.AT_BEGINNING_LINE,
                c.AT_BEGINNING_STRING,
                c.AT_BOUNDARY,
                c.AT_LOC_BOUNDARY,
                c.AT_UNI_BOUNDARY,
                c.AT_END,
                c.AT_END_LINE,
                c.AT_END_STRING,
            )
        direction, sub = av
        items = list(sub)
        if op is c.ASSERT_NOT:
            # (?<!\w), (?!\w), (?<![\w$]): the neighbouring character is not a word one
            return (
                len(items) == 1
                and items[0][0] is c.IN
                and _class_has_word_category(items[0][1])
            )
        # (?=\s*[.!?]) or (?=\s*$): what follows starts with a non-word character
        # or an edge; (?<=[.!?] ) likewise for what precedes.
        p = self.seq_props(items)
        if p.nullable:
            return False
        return p.starts_sep if direction > 0 else p.ends_sep

    # -- clauses -------------------------------------------------------------------

    def node(self, op: Any, av: Any, left: bool, right: bool) -> _Info:
        """``left``/``right``: the model character before/after the node's match is
        known to be a non-word character or a boundary."""
        c = _c
        if op is c.LITERAL:
            # the boundary character itself, in a rule, is not modelled
            exact = None if av == _B_CODE else frozenset({chr(av)})
            return _Info(exact, (), self.props(op, av))
        if op is c.IN:
            chars = _class_chars(av)
            return _Info(chars, (), self.props(op, av))
        if op is c.SUBPATTERN:
            if av[1] or av[2]:
                return _Info(None, (), _UNKNOWN)
            info = self.seq(av[3], left, right)
            if av[0] is not None:
                self.groups[av[0]] = info.clauses
            return info
        if op is c.ATOMIC_GROUP:
            return self.seq(av, left, right)
        if op is c.BRANCH:
            return self.branch(av[1], left, right)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            sp = self.seq_props(sub)
            once = hi <= 1
            info = self.seq(sub, left and (once or sp.ends_sep), right and (once or sp.starts_sep))
            props = _Props(lo == 0 or sp.nullable, sp.starts_sep, sp.ends_sep)
            if lo == 0:
                if once and info.exact is not None:
                    return _Info(info.exact | {""}, (), props)
                return _Info(None, (), props)
            clauses = info.clauses
            if info.exact is not None and _useful(info.exact):
                clauses = (*clauses, info.exact)
            exact = info.exact if lo == hi == 1 else None
            return _Info(exact, clauses, props)
        if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            if self.boundary(op, av):
                return _Info(frozenset({_B}), (), _MARK)
            return _Info(frozenset({""}), (), _EMPTY)
        return _Info(None, (), _UNKNOWN)

    def branch(self, branches: Sequence[Any], left: bool, right: bool) -> _Info:
        infos = [self.seq(b, left, right) for b in branches]
        exact: frozenset[str] | None = None
        if all(i.exact is not None for i in infos):
            union = frozenset().union(*(i.exact or () for i in infos))
            if len(union) <= _LIMIT:
                exact = union
        # one clause per alternative; their union is necessary for the whole (when
        # the exact strings are known, they are the better clause, and the caller
        # makes it)
        picks: list[frozenset[str]] = []
        for info in infos if exact is None else ():
            candidates = list(info.clauses)
            if info.exact is not None and _useful(info.exact):
                candidates.append(info.exact)
            best = self.chooser.best(candidates)
            if best is None:
                picks = []
                break
            picks.append(best)
        props = _Props(
            any(i.props.nullable for i in infos),
            all(i.props.starts_sep for i in infos),
            all(i.props.ends_sep for i in infos),
        )
        clauses = (frozenset().union(*picks),) if picks else ()
        return _Info(exact, clauses, props)

    def seq(self, items: Sequence[Any], left: bool, right: bool) -> _Info:
        items = _items(items)
        n = len(items)
        props = self.item_props(items)
        # after[i]: what follows item i starts with a separator
        after = [False] * n
        follows = right
        for i in range(n - 1, -1, -1):
            after[i] = follows
            p = props[i]
            follows = (follows and p.starts_sep) if p.nullable else p.starts_sep
        literal = _c.LITERAL
        clauses: list[frozenset[str]] = []
        cur = frozenset({_B if left else ""})
        exact_ok = True
        before = left  # what precedes item i ends with a separator
        pending = ""  # a run of literal characters not yet added to ``cur``
        for i, (op, av) in enumerate(items):
            p = props[i]
            if op is literal and av != _B_CODE:  # most items: one character each
                pending += chr(av)
                before = p.ends_sep
                continue
            if pending:
                cur = frozenset(x + pending for x in cur)
                pending = ""
            info = self.node(op, av, before, after[i])
            clauses.extend(info.clauses)
            ex = info.exact
            if ex is not None and len(cur) * len(ex) <= _LIMIT:
                cur = _cross(cur, ex)
            else:
                exact_ok = False
                # what follows ``cur`` is item i (or, if that is empty, what follows it)
                ends = after[i - 1] if i else False
                flushed = _cross(cur, frozenset({_B if ends else ""}))
                if _useful(flushed):
                    clauses.append(flushed)
                fresh = frozenset({_B if before else ""})
                cur = _cross(fresh, ex) if ex is not None else frozenset({""})
            before = (before and p.ends_sep) if p.nullable else p.ends_sep
            if ex is None:
                cur = frozenset({_B if before else ""})
        if pending:
            cur = frozenset(x + pending for x in cur)
        flushed = _cross(cur, frozenset({_B if right else ""}))
        if _useful(flushed):
            clauses.append(flushed)
        return _Info(cur if exact_ok else None, tuple(clauses), _seq_props(props))


def _class_is_non_word(items: Sequence[Any]) -> bool:
    c = _c
    for op, av in items:
        if op is c.LITERAL:
            if _is_word_char(chr(av)):
                return False
        elif op is c.CATEGORY:
            if av not in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD):
                return False
        else:
            return False  # ranges, negation: not worth proving
    return True


def _class_has_word_category(items: Sequence[Any]) -> bool:
    c = _c
    if any(op is c.NEGATE for op, _ in items):
        return False
    return any(op is c.CATEGORY and av is c.CATEGORY_WORD for op, av in items)


def _class_chars(items: Sequence[Any]) -> frozenset[str] | None:
    c = _c
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < 16:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None
    return None if _B in chars else frozenset(chars)


# -- literals as word conditions ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Literal:
    """A literal of a clause, as checks on a message: the whole words it proves
    present, the rarest of them (its key), and the literal itself as a substring."""

    words: frozenset[str]
    key: str | None
    text: str


def _word_odds(word: str) -> float:
    """A rough chance that a message has the word: common words are likely, and
    the longer a word, the less likely."""
    if word in _COMMON:
        return 0.35 - 0.01 * min(len(word), 5)  # of two common words, the longer
    return min(0.3, 0.6 / len(word) ** 2)


def _useful(clause: frozenset[str]) -> bool:
    """Whether every string of a clause has a word character: one that has none
    (a space, a boundary) is in nearly every message and proves nothing."""
    return bool(clause) and all(_HAS_WORD(s) for s in clause)


class _Chooser:
    """Picks clauses by quality, with the per-build caches that keeps cheap."""

    def __init__(self) -> None:
        self._literals: dict[str, _Literal] = {}
        # Literals share their word sets and words: 21,000 literals name far fewer
        # distinct words, and the gate stays in memory for the process's life.
        self._word_sets: dict[frozenset[str], frozenset[str]] = {}
        self._odds: dict[frozenset[str], float] = {}
        self._word_odds: dict[str, float] = {}

    def literal(self, model: str) -> _Literal:
        """A model string as checks: its whole words are the pieces with a
        separator or boundary on both sides; its key is the least likely of them."""
        lit = self._literals.get(model)
        if lit is None:
            pieces = _NON_WORD.split(model)
            whole = frozenset(sys.intern(p) for p in pieces[1:-1] if p)
            whole = self._word_sets.setdefault(whole, whole)
            key = min(whole, key=self.word_odds) if whole else None
            lit = self._literals[model] = _Literal(whole, key, model.replace(_B, ""))
        return lit

    def word_odds(self, word: str) -> tuple[float, str]:
        odds = self._word_odds.get(word)
        if odds is None:
            odds = self._word_odds[word] = _word_odds(word)
        return odds, word

    def gateable(self, clause: frozenset[str]) -> bool:
        return all(self.literal(m).key is not None for m in clause)

    def odds(self, clause: frozenset[str]) -> float:
        """A rough chance that a message satisfies the clause: the sum over its
        key words, or 1 if a literal has no whole word (it cannot gate)."""
        odds = self._odds.get(clause)
        if odds is None:
            keys = {self.literal(model).key for model in clause}
            if None in keys:
                odds = 1.0
            else:
                odds = min(1.0, sum(_word_odds(k) for k in keys if k is not None))
            self._odds[clause] = odds
        return odds

    def best(self, clauses: Sequence[frozenset[str]]) -> frozenset[str] | None:
        """The clause a message satisfies least often (clauses must be useful)."""
        if len(clauses) <= 1:
            return clauses[0] if clauses else None
        return min(clauses, key=lambda cl: (self.odds(cl), len(cl), sorted(cl)))


# -- gates -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Clause:
    """A clause: any of its literals.  ``keys`` are their key words, and
    ``by_key`` finds the literals of a key."""

    keys: frozenset[str]
    by_key: Mapping[str, tuple[_Literal, ...]]

    def holds(self, words: frozenset[str], text: str) -> bool:
        by_key = self.by_key
        for key in self.keys & words:
            for lit in by_key[key]:
                if lit.words <= words and lit.text in text:
                    return True
        return False


@dataclass(frozen=True, slots=True, eq=False)
class _RuleCheck:
    family: int
    clauses: tuple[_Clause, ...]  # all must hold; the first is the gate
    keys: tuple[frozenset[str], ...]  # each clause's key words, the gate's last

    def holds(self, words: frozenset[str], text: str) -> bool:
        # a clause none of whose key words is present fails: most candidates stop here
        for keys in self.keys:
            if keys.isdisjoint(words):
                return False
        return all(clause.holds(words, text) for clause in self.clauses)


def _clause(chooser: _Chooser, models: frozenset[str]) -> _Clause:
    by_key: dict[str, list[_Literal]] = {}
    for model in sorted(models):
        lit = chooser.literal(model)
        if lit.key is None:  # pragma: no cover - only gateable clauses get here
            raise ValueError(f"literal without a whole word: {model!r}")
        by_key.setdefault(lit.key, []).append(lit)
    return _Clause(
        frozenset(by_key), MappingProxyType({k: tuple(v) for k, v in by_key.items()})
    )


@dataclass(frozen=True, slots=True)
class Gate:
    """Which families could match a message.  Immutable; built once at import."""

    families: int
    always: frozenset[int]  # families with a rule no gate covers
    index: Mapping[str, tuple[_RuleCheck, ...]]  # key word -> rules it gates

    def live(self, text: str) -> frozenset[int]:
        """The families that may match ``text`` (a superset of those that do)."""
        if len(self.always) == self.families:
            return self.always
        words = message_words(text)
        index = self.index
        candidates = [check for word in words & index.keys() for check in index[word]]
        if not candidates:
            return self.always
        live = set(self.always)
        for check in candidates:
            if check.family not in live and check.holds(words, text):
                live.add(check.family)
        return frozenset(live)


def _every_match_is_a_group(tree: list[Any]) -> bool:
    """Whether the parsed pattern is assertions around one alternation of groups."""
    c = _c
    bodies = [
        (op, av) for op, av in tree if op not in (c.AT, c.ASSERT, c.ASSERT_NOT)
    ]
    if len(bodies) != 1:
        return False
    op, av = bodies[0]
    branches = [_items(b) for b in av[1]] if op is c.BRANCH else [[(op, av)]]
    return all(
        len(b) == 1 and b[0][0] is c.SUBPATTERN and b[0][1][0] is not None for b in branches
    )


def _rule_clauses(regex: re.Pattern[str], chooser: _Chooser) -> list[list[list[str]]] | None:
    """Per rule of a family regex, the model strings of its clauses (the gate
    first), or ``None`` if some rule cannot be gated (then the family always runs).

    The regex must have the detector's shape: zero-width assertions around one
    alternation whose every branch is one capturing group (a rule), so that every
    match is a match of some group.  Anything else is not gated."""
    if _parser is None or regex.flags & ~re.UNICODE or regex.groups == 0:
        return None
    try:
        tree = _items(_parser.parse(regex.pattern, regex.flags))
    except Exception:  # pragma: no cover - the pattern compiled, so it parses
        return None
    if not _every_match_is_a_group(tree):
        return None
    analyser = _Analyser(chooser)
    analyser.seq(tree, False, False)
    rules: list[list[list[str]]] = []
    for group in range(1, regex.groups + 1):
        gateable = [cl for cl in analyser.groups.get(group, ()) if chooser.gateable(cl)]
        gate = chooser.best(gateable)
        if gate is None:
            return None
        rest = sorted(
            (cl for cl in set(gateable) if cl != gate),
            key=lambda cl: (chooser.odds(cl), len(cl), sorted(cl)),
        )[:_EXTRA_CLAUSES]
        rules.append([sorted(cl) for cl in (gate, *rest)])
    return rules


# Per family: ``None`` when it always runs, else per rule its clauses (the gate
# first), each as the sorted model strings any of which proves it.  Plain lists,
# so that a plan can be kept as JSON.
GatePlan = list[list[list[list[str]]] | None]


def plan_gate(regexes: Sequence[re.Pattern[str]]) -> GatePlan:
    """The analysis of these family regexes: what :func:`gate_from_plan` needs.

    This is the slow part (every family regex is parsed again and walked), so
    the detector keeps its plan in a file and calls this only when it is stale."""
    chooser = _Chooser()
    plan: GatePlan = []
    for regex in regexes:
        plan.append(_rule_clauses(regex, chooser))
    return plan


def gate_from_plan(plan: GatePlan) -> Gate:
    """The gate a plan describes, families numbered by position."""
    always: set[int] = set()
    index: dict[str, list[_RuleCheck]] = {}
    chooser = _Chooser()
    for family, rules in enumerate(plan):
        if rules is None:
            always.add(family)
            continue
        for clause_models in rules:
            clauses = tuple(_clause(chooser, frozenset(models)) for models in clause_models)
            # the likeliest to fail first: the extra clauses by their odds, then the gate
            keys = (*(c.keys for c in clauses[1:]), clauses[0].keys)
            check = _RuleCheck(family, clauses, keys)
            for key in sorted(clauses[0].keys):
                index.setdefault(key, []).append(check)
    return Gate(
        families=len(plan),
        always=frozenset(always),
        index=MappingProxyType({w: tuple(cs) for w, cs in index.items()}),
    )


def build_gate(regexes: Sequence[re.Pattern[str]]) -> Gate:
    """The gate for these family regexes, numbered by position."""
    return gate_from_plan(plan_gate(regexes))


def plan_key(regexes: Sequence[re.Pattern[str]]) -> str:
    """What a kept plan was made from: these patterns and this module's analysis.
    A plan whose key differs is stale and is never used."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for regex in regexes:
        digest.update(b"\0" + regex.pattern.encode("utf-8"))
    return digest.hexdigest()


def cached_gate(regexes: Sequence[re.Pattern[str]], path: Path) -> Gate:
    """The gate from the plan kept at ``path`` when it was made from these
    regexes, else built afresh (never written: the package may be read-only;
    :func:`write_plan` is run by the developer who changes the rules)."""
    try:
        kept = json.loads(gzip.decompress(path.read_bytes()))
        if kept.get("key") == plan_key(regexes):
            return gate_from_plan(kept["plan"])
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
        pass  # missing or damaged: the analysis below gives the same gate
    return build_gate(regexes)


def write_plan(regexes: Sequence[re.Pattern[str]], path: Path) -> None:
    """Keep the plan of these regexes at ``path`` (gzipped JSON) for :func:`cached_gate`."""
    kept = {"key": plan_key(regexes), "plan": plan_gate(regexes)}
    text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    # mtime=0: the same plan is the same bytes, so git sees no change when none was made
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
