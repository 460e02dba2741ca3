"""The gate in front of the rule families never changes a verdict.

The detector skips a family when :mod:`bot.safety.prefilter` proves from the
message's words that none of its rules can match.  These tests hold it to that:
on the whole eval set and on generated text (rule vocabulary, strings sampled from
the rules themselves, random words and noise), the gated detector gives exactly
the verdict of the ungated one, and every family that has a match is one the gate
let through.  The analysis is also checked on its own, on small patterns with
boundaries, lookarounds, classes and repeats, and on shapes it must refuse.
"""

from __future__ import annotations

import gzip
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.safety.corpus import LEGACY_EVAL_PATH, read_examples
from bot.safety.detector import (
    FAMILY_REGEXES,
    GATE_PLAN_PATH,
    _compile_family,
    assess,
    assess_normalised,
    assess_ungated,
    gated_families,
    matching_families,
)
from bot.safety.normalise import normalise, normalise_detail, squeeze_pattern
from bot.safety.prefilter import build_gate, cached_gate, plan_key, write_plan
from bot.safety.rules import CANCELS, FAMILIES, Rule, expand

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_RULES = [*CANCELS, *(rule for _, rules in FAMILIES for rule in rules)]
_PATTERNS = [expand(rule.pattern) for rule in _RULES]
# Everything the rules are written with: words, and the literal phrases between
# regex syntax ("want to", "kill myself", "in front of").
_WORDS = sorted({w for p in _PATTERNS for w in re.findall(r"[a-z]{2,}", p)})
_PHRASES = sorted(
    {
        frag.strip()
        for p in _PATTERNS
        for frag in re.split(r"\\.|[()|?:*+\[\]{}<>=!^$]", p)
        if len(frag.strip()) > 3
    }
)
_CONTEXT = [
    ".", ",", "!", "?", "\n", "but", "lol", "haha", "not", "never", "i", "im", "dont",
    "years ago", "used to", "again", "tonight", "in the movie", "my friend", "if",
    "i'm not", "no", "because", "😂", "...", "-", "'",
]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _sample(draw: st.DrawFn, items: Any, out: list[str]) -> None:
    """Append a random string the parsed pattern ``items`` (mostly) matches."""
    c = _c
    for op, av in items:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.IN:
            options: list[str] = []
            for kind, arg in av:
                if kind is c.LITERAL:
                    options.append(chr(arg))
                elif kind is c.RANGE:
                    options.append(chr(draw(st.integers(arg[0], arg[1]))))
                elif kind is c.CATEGORY and arg is c.CATEGORY_DIGIT:
                    options.append(draw(st.sampled_from("0123456789")))
                elif kind is c.CATEGORY and arg is c.CATEGORY_SPACE:
                    options.append(" ")
                else:
                    options.append(draw(st.sampled_from(_LETTERS)))
            out.append(draw(st.sampled_from(options)))
        elif op is c.BRANCH:
            _sample(draw, draw(st.sampled_from(av[1])), out)
        elif op is c.SUBPATTERN:
            _sample(draw, av[3], out)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            for _ in range(draw(st.integers(lo, min(hi, lo + 2)))):
                _sample(draw, sub, out)
        elif op is c.ATOMIC_GROUP:
            _sample(draw, av, out)
        elif op in (c.ANY, c.NOT_LITERAL):
            out.append(draw(st.sampled_from(_LETTERS)))
        # assertions and anchors add nothing


_PARSED_RULES = [_parser.parse(squeeze_pattern(p)) for p in _PATTERNS]


@st.composite
def _rule_strings(draw: st.DrawFn) -> str:
    """A string sampled from a random rule: text that hits the rules, and near misses."""
    out: list[str] = []
    _sample(draw, draw(st.sampled_from(_PARSED_RULES)), out)
    return "".join(out)


_PIECES = st.one_of(
    _rule_strings(),
    st.sampled_from(_WORDS),
    st.sampled_from(_PHRASES),
    st.sampled_from(_CONTEXT),
    st.text(max_size=8),
)


@st.composite
def _messages(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_PIECES, min_size=1, max_size=10))
    text = " ".join(pieces)
    return text.upper() if draw(st.booleans()) and len(text) % 7 == 0 else text


def _same_both_ways(text: str) -> None:
    norm = normalise_detail(text)
    assert matching_families(norm.text) <= gated_families(norm.text), norm.text
    gated = assess_normalised(norm)
    assert gated == assess_ungated(norm), text
    assert assess(text) == gated


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_messages())
def test_gate_never_changes_a_verdict(text: str) -> None:
    _same_both_ways(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_gate_never_changes_a_verdict_on_noise(text: str) -> None:
    _same_both_ways(text)


def test_eval_set_same_verdict_gated_and_ungated() -> None:
    items = read_examples(LEGACY_EVAL_PATH)
    assert len(items) >= 300
    for item in items:
        _same_both_ways(item.text)


def test_generated_text_reaches_every_family() -> None:
    # The property test above is only worth something if its text makes the rules
    # match: check that sampled rule strings do, in every family.
    hit: set[str] = set()

    @settings(max_examples=400, deadline=None, database=None)
    @given(_rule_strings())
    def collect(text: str) -> None:
        hit.update(matching_families(normalise(text)))

    collect()
    assert hit >= {"cancels", "ideation", "plan", "self_harm", "danger", "hopeless"}


@pytest.mark.parametrize(
    "text",
    [
        "I snapped at my sister on the phone and now I feel awful about it",
        "I always mess things up when it matters",
        "It started when I was a kid, my dad used to say it",
        "It makes me anxious all the time and I avoid people",
        "I would tell them that one bad moment doesn't define them",
        "I made a mistake, and I can learn from it without hating myself",
        "Work was awful and I think I'm useless",
        "United Kingdom",
        "yes",
    ],
)
def test_everyday_answers_run_no_family(text: str) -> None:
    # Not a verdict test: the gate's reason to exist.  If this fails after a rule
    # change, verdicts are still right, but everyday messages got slower.
    assert gated_families(normalise(text)) == frozenset()


# --- the analysis on its own --------------------------------------------------------

_SHAPE = "(?<!\\w)(?=\\w)(?:{})(?!\\w)"
_BODIES = [
    r"kil+ (?:my ?self|me)",
    r"ab\b ?cd",
    r"x\w*y z",
    r"(?:fo|ba[rz]) (?:\w+ ){0,2}?qux",
    r"(?:^|(?<=[.!?] ))go(?=\s*(?:[.!,]|$))",
    r"on(?:e|ly)?",
    r"\d+ (?:a|b)",
    r"me(?! to)",
    r"i(?: am|m) (?:so )?sad",
    r"(?:hey|hi),? you",
    r"wh[aeiou]t ever",
    r"q(?:u|x){2,3} r",
    r"(?:a|the) (?:cat|dog)s?(?: of (?:mine|yours))?",
    r"end (?:it|this)(?! (?:with|for))",
    r"(?:no|not) (?:\w+ )?way",
    r"sel\w* harm",
    r"[a-c]{2} [x-z]",
    r"it s (?:over|done)\.",
    r"go(?:ne|ing)?\b(?:\s+\w+)? home",
    # assertions and optional parts next to letters: no word edge may be assumed
    r"so(?=m)me\w* thing",
    r"so(?=m)(?:me|xm) thing",
    r"ze(?![^\w])ro",
    r"ab(?: \w+)?d\w* here",
    r"q\w(?:x )?(?:yz|w\w) end",
    r"wo(?=r)rd\w* here",
    r"pa(?<=a)rt(?<!x)s",
    r"pa(?<=a)rt(?<![xy])s",
    r"fi\Bne",
    # the character the analysis uses for a word edge, written in a rule
    "ab\x01cd",
    r"ab\x01?cd ef",
    r"a[\x01\x02]b c",
]
# One family per body (a wrong claim about one rule cannot hide behind another
# rule of its family), and a few families of several rules.
_FAMILY_TEXTS = [re.compile(_SHAPE.format(f"({b})")) for b in _BODIES] + [
    re.compile(_SHAPE.format("|".join(f"({b})" for b in _BODIES[i : i + 4])))
    for i in range(0, len(_BODIES), 4)
]
_TOY_GATE = build_gate(_FAMILY_TEXTS)
_TOY_PARSED = [_parser.parse(b) for b in _BODIES]
_TOY_WORDS = [w for b in _BODIES for w in re.findall(r"[a-z]+", b)]


@st.composite
def _toy_texts(draw: st.DrawFn) -> str:
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            out: list[str] = []
            _sample(draw, draw(st.sampled_from(_TOY_PARSED)), out)
            pieces.append("".join(out))
        elif kind == 1:
            pieces.append(draw(st.sampled_from(_TOY_WORDS)))
        elif kind == 2:
            pieces.append(draw(st.sampled_from([".", ",", "!", "\n", "", "_", "1", "\x01"])))
        else:
            pieces.append(draw(st.text(alphabet=_LETTERS[:6] + " .,_1", max_size=6)))
    joiners = st.sampled_from([" ", "", ". ", ", ", "x", "_"])
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(joiners) + piece
    return text


@settings(max_examples=1000, deadline=None)
@given(_toy_texts())
def test_analysis_is_sound_on_small_patterns(text: str) -> None:
    live = _TOY_GATE.live(text)
    for index, regex in enumerate(_FAMILY_TEXTS):
        if regex.search(text):
            assert index in live, (regex.pattern, text)


def test_analysis_gates_the_small_patterns() -> None:
    # sound by refusing everything would pass the test above; it must also gate
    assert _TOY_GATE.always == frozenset()
    assert _TOY_GATE.live("nothing at all") == frozenset()


def test_shapes_it_cannot_prove_always_run() -> None:
    gate = build_gate(
        [
            re.compile("(a)?b"),  # a match need not involve the group
            re.compile("abc"),  # no group at all
            re.compile("(?i)(?<!\\w)(?:(abc)|(de))(?!\\w)"),  # case-insensitive
            re.compile("(?<!\\w)(?:(abc)|de)(?!\\w)"),  # a branch that is no group
            re.compile("(?<!\\w)(?:(a.c)|(\\w+))(?!\\w)"),  # a rule with no literal word
        ]
    )
    assert gate.live("zzz") == frozenset(range(5))


# Texts that some of the small patterns match, and one that none does.
_SAMPLES = ("i am so sad", "end it now", "self harm", "no real way", "it s over.", "gone home",
            "nothing at all")


def test_the_shipped_plan_is_the_analysis_of_the_current_rules() -> None:
    # The bot reads the kept plan instead of analysing the rules at every start;
    # after a change to the rules, `compassion-bot safety gate` must be run.
    # (The tests above hold the detector's gate, built from this plan, to the
    # ungated verdicts.)
    kept = json.loads(gzip.decompress(GATE_PLAN_PATH.read_bytes()))
    assert kept["key"] == plan_key(FAMILY_REGEXES), "run `compassion-bot safety gate`"


@pytest.mark.parametrize("content", [b"", b"not gzip", None, "stale"])
def test_a_missing_damaged_or_stale_plan_is_never_used(
    tmp_path: Path, content: bytes | str | None
) -> None:
    path = tmp_path / "plan.json.gz"
    if content == "stale":
        # a plan for other rules: it would skip the families that do match
        plan = {"key": "0" * 64, "plan": [[[["\x01zzz\x01"]]] for _ in _FAMILY_TEXTS]}
        path.write_bytes(gzip.compress(json.dumps(plan).encode()))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    gate = cached_gate(_FAMILY_TEXTS, path)
    for text in _SAMPLES:
        assert gate.live(text) == _TOY_GATE.live(text)


def test_a_kept_plan_gives_the_gate_the_analysis_gives(tmp_path: Path) -> None:
    path = tmp_path / "plan.json.gz"
    write_plan(_FAMILY_TEXTS, path)
    gate = cached_gate(_FAMILY_TEXTS, path)
    assert gate.always == _TOY_GATE.always
    assert gate.index.keys() == _TOY_GATE.index.keys()
    for text in _SAMPLES:
        assert gate.live(text) == _TOY_GATE.live(text)


def test_a_rule_that_captures_is_refused_with_its_family() -> None:
    # group i must be rule i, or every later rule's reasons would be misread
    with pytest.raises(ValueError, match=r"rules in toy must not capture: \[.want to \(die\)"):
        _compile_family(
            "toy",
            (
                Rule("crisis", ("ideation",), r"want to (die)"),
                Rule("crisis", ("ideation",), "kill me"),
            ),
        )
