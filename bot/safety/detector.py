"""Decide whether one message carries crisis language: :func:`assess`.

One job: read a message (after :mod:`bot.safety.normalise`) and say ``crisis``,
``concern`` or ``none``, with short reasons naming the signals that matched
(``ideation``, ``passive_wish``, ``burden``, ``plan``, ``means``, ``act_taken``,
``self_harm``, ``farewell``, ``danger_from_other``, ``third_party_risk``,
``hopelessness``, ``past_self_harm``, ``past_suicidality``, ``slang``, ``lang_es``...).

How it works:

* **Rule tables by signal.**  Each family of :mod:`bot.safety.rules` (ideation
  and passive wishes, plans and means, acts already taken, self-harm, danger from
  another person, a third party at risk, farewells, hopelessness, and one per
  language) compiles to a single regular expression, an alternation of its rules;
  ``match.lastindex`` says which rule matched.  Rules are written in plain
  spelling with a few macros (``<INTENT>``, ``<PERSON>``...) and squeezed like the
  text (see the normaliser).  Matching is leftmost-first, so within a family an
  idiom written as a ``none`` rule that starts at the same place as a signal, and
  is listed first, wins.
* **Families that cannot match are skipped.**  Before a family runs, the gate of
  :mod:`bot.safety.prefilter` checks the message's words against words every
  match of the family's rules must contain; most everyday messages ("I snapped
  at my sister") contain none, and then no family runs at all.  A skipped family
  has no match, so skipping never changes a verdict (:func:`assess_ungated` runs
  every family, for the tests that prove it).
* **Idioms and hyperbole first.**  A separate family of idioms ("kill myself
  laughing", "rather die than wear that", "if I hear that song again I'll kill
  myself") runs before the others; any signal overlapping one of its spans is
  dropped (the hyperbole rules still report a ``concern``).
* **Clause-level context.**  The text is cut into clauses at sentence punctuation,
  commas and words like "but".  A match is dropped when a negation governs it
  ("I'm not suicidal", "I would never hurt myself": a negator followed only by
  "transparent" words such as "going to", "really", "want to"), when its clause
  is about a film, book, essay or the news, or when a rule's own veto fires (an
  accident: "cut myself chopping onions").  A crisis signal in a clause that
  speaks of the past ("I used to cut", "years ago") becomes ``concern``, unless
  the clause also says "again", "still", "last night"...  A joke marker ("lol")
  softens a wish to die to ``concern`` only beside a trivial cause ("this homework
  makes me want to die lol"), never on its own.
* **Strengths.**  Rules are ``crisis``, ``concern``, ``weak`` or ``faint``.  Weak
  signals ("I'm sorry for everything", access to a gun, "I have a plan") and faint
  ones ("thank you for everything", "goodbye") say nothing alone; together, or
  beside a concern, they make a crisis: "I can't do this anymore. Thank you for
  everything."

Everything is module-level immutable data built once at import; :func:`assess`
keeps no state between calls and never logs the text.  The clause breaks and the
recovery check are computed only once some family has matched.  Context is read
in a bounded window around each match, so the time a message costs grows with
its length, not faster; every match is judged, so no number of negated sentences
can hide a disclosure after them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bot.safety.normalise import Normalised, compile_squeezed, normalise_detail, squeeze_pattern
from bot.safety.prefilter import cached_gate
from bot.safety.rules import CANCELS, FAMILIES, HELP_SEEKING, Rule, Strength, expand
from bot.types import NO_RISK, Assessment, RiskLevel

__all__ = [
    "FAMILY_REGEXES",
    "GATE_PLAN_PATH",
    "Rule",
    "about_media",
    "assess",
    "assess_normalised",
    "assess_ungated",
    "gated_families",
    "matching_families",
]


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile an auxiliary pattern the way rules are compiled (expanded, squeezed)."""
    return compile_squeezed(expand(pattern))


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: Rule
    veto: re.Pattern[str] | None
    veto_unless: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Family:
    name: str
    regex: re.Pattern[str]
    rules: tuple[_CompiledRule, ...]


def _compile_family(name: str, rules: tuple[Rule, ...]) -> _Family:
    parts: list[str] = []
    compiled: list[_CompiledRule] = []
    for rule in rules:
        if rule.reasons and rule.reasons[0] == "third_party_risk" and rule.veto is None:
            # "how do I help a friend who is suicidal" is a question, not a disclosure
            rule = replace(rule, veto=HELP_SEEKING, veto_message=True)
        if rule.reasons and rule.reasons[0] in ("ideation", "passive_wish") and not rule.joke_soft:
            # hyperbole lives in wishes to die, not in plans, acts or danger
            rule = replace(rule, joke_soft=True)
        parts.append(f"({squeeze_pattern(expand(rule.pattern))})")
        compiled.append(
            _CompiledRule(
                rule,
                _rx(rule.veto) if rule.veto else None,
                _rx(rule.veto_unless) if rule.veto_unless else None,
            )
        )
    # One word-boundary test per position, outside the alternation: most positions
    # are mid-word, and failing there once instead of once per rule is most of the
    # speed.  A rule that matches but is followed by a letter backtracks into the
    # alternation and lets the next rule try, exactly as if each rule had its own.
    alternation = "|".join(parts)
    # (?=\w): every rule starts with a letter, so punctuation and emoji fail at once.
    regex = re.compile(f"(?<!\\w)(?=\\w)(?:{alternation})(?!\\w)")
    if regex.groups != len(rules):
        # Group i must be rule i: a rule with a group of its own would shift the rest.
        # Checked on the whole alternation, so import compiles each rule only once.
        capturing = [
            r.pattern for r in rules if re.compile(squeeze_pattern(expand(r.pattern))).groups
        ]
        raise ValueError(f"rules in {name} must not capture: {capturing!r}")
    return _Family(name, regex, tuple(compiled))


# The cancels first, then the signal families, in the order of the rules module.
_ALL_FAMILIES: tuple[_Family, ...] = (
    _compile_family("cancels", CANCELS),
    *(_compile_family(name, rules) for name, rules in FAMILIES),
)
_EVERY_FAMILY = frozenset(range(len(_ALL_FAMILIES)))
# The prefilter's analysis of the rules takes longer than compiling them, so its
# result is kept beside the weights (``compassion-bot safety gate`` writes it after
# the rules change); a plan made from other rules is ignored and the gate is built.
GATE_PLAN_PATH = Path(__file__).parent / "data" / "gate_plan.json.gz"
FAMILY_REGEXES = tuple(family.regex for family in _ALL_FAMILIES)
_GATE = cached_gate(FAMILY_REGEXES, GATE_PLAN_PATH)


# --- clause context ---------------------------------------------------------------

_CLAUSE_BREAK = _rx(
    r"[.!?;:\n]+|,|\s(?:but|though|although|however|except|whereas|because|cause|cuz|and then"
    r"|and now|pero|aunque|mais|aber|doch|obwohl|porem|embora)\s"
)

# Negators, and the words that may stand between a negator and what it negates
# without breaking its scope ("I'm not *really going to* kill myself").
_NEGATOR = (
    r"(?:not|never|dont|doesnt|didnt|wont|wouldnt|isnt|arent|wasnt|werent|havent|hasnt|hadnt"
    r"|shouldnt|couldnt|aint|no longer|nowhere near|far from|nor|nunca|jamas|tampoco|jamais|pas"
    r"|ne|nicht|nie|niemals|kein|keine|keinen|keinerlei|nem|ninguna|ninguno|ningun|aucune"
    r"|aucun|nenhuma|nenhum|nada de"
    # "I called a helpline instead of hurting myself": the act not done
    r"|instead of|en vez de|en lugar de|em vez de|ao inves de|au lieu de|statt|anstatt"
    # A clinical note's denial ("patient denies suicidal ideation", a trial); only
    # the patient's, since "my daughter denies he hits her" is no safety.
    r"|(?:patient|pt|client|paciente|patientin|paziente) (?:denies|denied|niega|nega|negou"
    r"|verneint|nie)|no (?:intention|intentions|plans?"
    r"|desire|wish|thoughts?|urges?|interest|way|chance|reason to|risk of)|zero (?:intention"
    r"|plans?|desire|thoughts?))"
)
_TRANSPARENT = (
    r"(?:i|im|i am|am|id|ive|ill|is|are|was|be|been|being|really|actually|even|ever|honestly"
    r"|seriously|truly|genuinely|literally|currently|remotely|at all|going to|to|planning"
    r"|planning on|plan|plans|any|intention|intentions|intent|desire|wish|want|wanted|would"
    r"|will|could|should|might|think|thinking|thoughts|thought (?:about|of)|about|of|on|feel"
    r"|feeling|felt|have|had|has|do|did|doing|anything|something|that|like|so|the|a|an|saying"
    r"|say|said|mean|meant|someone|person|type|kind|sort|who|way|urge|urges|trying|try|tried"
    r"|attempted|ready"
    r"|my|own|gonna|considering|contemplating|yo|me|te|lo|la|voy"
    r"|quiero|quisiera|pienso|pensando|en|estoy|tengo|ganas|de|je|j|n|vais|veux|pense|suis|ai"
    r"|envie|d|vraiment|ich|will|werde|mich|mir|mochte|moechte|wurde|wuerde|das|an|denke|habe"
    r"|bin|selbst|eu|vou|quero|penso|em|estou|to|tenho|vontade"
    # "hab keine Gedanken mich umzubringen", "hab nicht vor", "denk nicht dran",
    # "no tengo ninguna intención de", "c'est pas des idées noires"
    r"|gedanken|vor|dran|daran|intencion|intenciones|intencao|intencoes|des|les|ideas|idees)"
)
_NEG_BEFORE = _rx(rf"(?:^|\s){_NEGATOR}(?: {_TRANSPARENT})*\s*$")
# Bare "no"/"nao" negates only the very next words ("no quiero morir"); English
# "no I want to die" is an answer, not a negation, so only foreign filler may follow.
_NO_BEFORE = _rx(
    r"(?:^|\s)(?:no|nao)(?: (?:me|te|lo|la|voy|a|quiero|pienso|pensando|en|estoy|tengo|ganas"
    r"|de|eu|vou|quero|penso|em|estou|to|tenho|vontade|ninguna|ningun|ninguno|nenhuma|nenhum"
    r"|intencion|intencao|idea|planes|plan|pensamientos))*\s*$"
)
_NEG_AFTER = _rx(
    r"^\s*(?:(?:is|was|would be|will be|s|are|seems)\s+(?:not|never|no longer)\b|(?:isnt|wasnt"
    r"|wouldnt be|wont be|aint|pas|jamais|nicht|nie|nunca|nahi|nahin|nhi)\b)"
)
# "I'm not going to kill myself *tonight*": a negation with a time limit is a hedge.
_HEDGE_AFTER = _rx(
    r"^(?: \w+)?\s*(?:yet|today|tonight|right now|this time|for now|this week|at the moment"
    r"|just yet)\b"
)
_MEDIA = _rx(
    r"\b(?:(?:in|from|watching|watched|reading|read|finished|about|for|on) (?:a|the|this|that"
    r"|my|our|an) (?:movie|film|show|series|episode|book|novel|story|video game|game|anime|manga"
    r"|comic|play|documentary|podcast|article|essay|paper|thesis|dissertation|report|lecture"
    r"|song|poem|news|scene|chapter|season|finale|musical|opera|tv show|soap|drama|k ?drama"
    r"|fic|fanfic|fanfiction)|(?:the|a|this|that|my|our|his|her) (?:character|protagonist|main"
    r" character|villain|narrator|author|actor|actress|singer|rapper|poet)|(?:essay|paper"
    r"|thesis|dissertation|research|study|studies|presentation|project|lecture|training"
    r"|workshop|seminar|article|report|podcast|documentary|statistics|stats|data|module"
    r"|assignment|coursework|debate|talk|webinar|course|class|charity|campaign|volunteer(?:ing)?)"
    r" (?:on|about|into|regarding|covering|for) (?:\w+ ){0,3}?(?:suicide|self harm|overdose"
    r"|mental health|depression|crisis|grief|self injury|death|dying|abuse|violence)|(?:suicide"
    r"|self harm|overdose|mental health) (?:prevention|awareness|statistics|stats|rates?|research"
    r"|hotlines?|helplines?|crisis lines?|training|lecture|month|week|day|charity|campaign"
    r"|module|scene|squad|mission|doors?|sprints?|bombers?|bombing|attack|risk assessment"
    r"|first aid)|\b(?:movie|film|show|series|episode|book|novel|story|song|poem|album|play"
    r"|documentary|podcast|game|anime|manga|comic) (?:is|was|s|are|were) (?:all |mostly |kind of )?"
    r"about\b|(?:on|in|from) the news|\blyrics\b|trigger warning|\btw\b|\bcw\b|dans (?:le|ce)"
    r" (?:film|livre)|ce film|en la (?:pelicula|serie)|im film|no filme|na novela"
    # the other languages' "in the film / song / series" and "the protagonist"
    # ("nel film il protagonista si butta dal ponte", a trial read as a friend at risk)
    r"|(?:nel|del|il) film|nella serie|nel libro|nella canzone|(?:la|cette|une|dans la) chanson"
    r"|dans la serie|in der serie|im buch|im lied|in dem lied|en el libro|la cancion|en la cancion"
    r"|no livro|na serie|na musica|in de film|in de serie|in het boek|in het liedje|w filmie"
    r"|w serialu|w piosence|w ksiazce|filmde|dizide|sarkida|kitapta|di film|dalam film|lagu ini"
    r"|в фильме|в сериале|в песне|в книге|film mein|movie mein|gaane mein|في الفيلم|في المسلسل"
    r"|في الاغنية|في الأغنية|映画で|映画の|ドラマで|ドラマの|アニメで|アニメの|漫画で|漫画の|歌詞"
    r"|(?:il|el|o|le|der|die|de) (?:protagonista|protagonist|personnage|hauptfigur|hoofdpersoon))"
)
# The past: the signal is history, not now.
_PAST = _rx(
    r"\b(?:used to|use to|(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|a few|few|many|several|some|a couple of|couple of|a couple) (?:years?|yrs?"
    r"|months?|decades?) ago|years ago|when i was (?:younger|little|small|a (?:kid|child|teen"
    r"|teenager|student|boy|girl)|in (?:school|high school|middle school|college|uni|university"
    r"|my teens)|\d+|fifteen|sixteen|seventeen|fourteen|thirteen|twelve)|as a (?:kid|child|teen"
    r"|teenager|student|young (?:man|woman|person))|in (?:high school|middle school|secondary"
    r" school|college|uni|university|my (?:teens|twenties|20s|thirties|30s|youth|childhood|early"
    r" twenties|early 20s|late teens))|growing up|back (?:then|in (?:the day|school|college|uni"
    r"|\d+))|in the past|years back|a long time ago|long ago|in (?:19|20)\d\d|once before"
    r"|last (?:spring|summer|autumn|fall|winter|year)|a year ago|at my (?:lowest|worst)"
    r"|hace (?:\w+ )?(?:anos|meses)|cuando era (?:nino|nina|joven|pequeno|pequena|adolescente)"
    r"|il y a (?:\w+ )?(?:ans|mois)|quand jetais|vor (?:\w+ )?(?:jahren|monaten)|als ich (?:jung"
    r"|junger|kind|klein|teenager|jugendlich)|(?:ha|faz) (?:\w+ )?(?:anos|meses)|quando eu era)\b"
)
_PRESENT = _rx(
    r"\b(?:again|still|right now|tonight|today|this (?:morning|evening|week|afternoon|month)"
    r"|yesterday|last night|lately|recently|these days|currently|relapsed|started again|anymore"
    r"|otra vez|de nuevo|encore|wieder|de novo|outra vez|todavia|toujours|immer noch|ainda)\b"
)
_RECOVERY = _rx(
    r"\b(?:(?:im|i am|feeling|doing|things are|its|life is|i feel) (?:so |much |a lot |way |really"
    r" )?(?:ok|okay|fine|good|better|well|safe|great|in a (?:better|good|safe) place|stable"
    r"|happy)(?: now| these days| today| nowadays)|recovered|in recovery|recovering|(?:\d+|a few"
    r"|few|several|many|two|three|six) (?:days|weeks|months|years) (?:clean|free|sober)|clean"
    r" (?:for|since)|(?:therapy|treatment|medication|meds|counselling|counseling|my therapist)"
    r" (?:has |have )?(?:really )?(?:helped|saved me)|(?:got|get|getting) (?:help|better)"
    r"|havent (?:\w+ ){0,3}(?:in|for|since) (?:years|months|ages|a long time|\d+)|things got"
    r" better|survived|im still here|doing well)\b"
)
# Later in the message, the urge passed: the person coped ("had an urge to cut tonight
# and rode it out", "tuve ganas de cortarme pero se me pasó").  A crisis signal
# before it is asked about as a concern.
_COPED = _rx(
    r"\b(?:rode it out|ride it out|riding it out|and it passed|but it passed|it passed"
    r"|(?:urge|urges|feeling|craving) (?:passed|went away|faded)|se me paso|y se paso|se me fue"
    r"|cest passe|ca a passe|ca est passe|ging (?:es )?vorbei|ist vorbeigegangen|e passou"
    r"|mas passou|a vontade passou)\b"
    # "it passed last week but not now": the urge is back
    r"(?! (?:\w+ ){0,3}?(?:but|not|no|pero|mas|mais|pas|aber|nicht|until|till)\b)"
)
_JOKE = _rx(
    r"(?:\blol\b|\blmf?ao\b|\brofl\b|\b(?:ha){2,}h?\b|\bhe(?:he)+\b|\bjk\b|\bjking\b|\bjust"
    r" kidding\b|\bjoking\b|\bkidding\b|😂|🤣|💀|😆|🙃|\bxd\b)"
)

# What makes a joke marker believable: a trivial cause in the same clause.  "i want
# to die lol" alone stays a crisis (people mask with "lol"); "this homework makes
# me want to die lol" is hyperbole.
_TRIVIAL = _rx(
    r"\b(?:makes me|made me|making me|if|this|that|these|those|cringe|embarrass\w*|homework|exam"
    r"|class|lecture|meeting|traffic|mondays?|song|show|movie|game|queue|weather|heat|wifi)\b"
)
_HYPERBOLE = _rx(
    r"\b(?:the|that|this) (?:movie|film|show|book|episode|game|song|concert|match|lecture|class"
    r"|meeting|date|party|exam|homework|traffic|queue|commute|weather|heat|flight|wifi|week"
    r"|monday|sermon|speech|presentation|play|album|joke|pun|meme) (?:\w+ ){0,2}?(?:was|is|s|were)"
    r" (?:so |really |soo |just )?(?:bad|boring|awful|terrible|long|cringe|cringey|embarrassing"
    r"|awkward|tedious|painful|dull|funny|hilarious)|\b(?:the|that|this) (?:movie|film|show|book"
    r"|episode|game|song|lecture|class|meeting|homework|traffic|queue|commute|weather|heat|wifi"
    r"|exam|meme|joke) (?:makes|made|is making) me want to|\b(?:another|one more|the thought of"
    r" (?:another|one more)?) ?(?:\w+ ){0,2}?(?:monday|meeting|lecture|class|exam|shift|day at work"
    r"|week of this|zoom call|call) (?:\w+ ){0,2}?(?:makes|made|is making) me want to"
)

# How far around a match its context is read: a clause is rarely longer, and a
# negation's scope is a handful of words.
_CONTEXT_CHARS = 240
_NEGATION_CHARS = 90

_PAST_REASON: Mapping[str, str] = MappingProxyType({
    "self_harm": "past_self_harm",
    "third_party_risk": "third_party_past",
    "danger_from_other": "past_abuse",
})
_LANG_TAGS = frozenset({"lang_es", "lang_fr", "lang_de", "lang_pt"})


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    strength: Strength
    reasons: tuple[str, ...]
    shadows: bool


def _clause(ends: list[int], starts: list[int], lo: int, hi: int) -> tuple[int, int]:
    """The clause around ``text[lo:hi]``: from the end of the last break before it
    to the start of the first break after it."""
    i = bisect_right(ends, lo) - 1
    start = ends[i] if i >= 0 else 0
    j = bisect_left(starts, hi)
    end = starts[j] if j < len(starts) else -1
    return start, end


def _negation(
    prefix: str, suffix: str, *, english_i: bool
) -> Literal["no", "negated", "hedged"]:
    # "no i want to die" answers a question; bare "no" negates only Romance verbs.
    negated = bool(
        _NEG_BEFORE.search(prefix)
        or (not english_i and _NO_BEFORE.search(prefix))
        or _NEG_AFTER.search(suffix)
    )
    if not negated:
        return "no"
    return "hedged" if _HEDGE_AFTER.search(suffix) else "negated"


def _past_reasons(reasons: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for reason in reasons:
        if reason in _LANG_TAGS:
            out.append(reason)
        else:
            out.append(_PAST_REASON.get(reason, reason if reason.startswith("past") else
                                        "past_suicidality"))
    return tuple(dict.fromkeys(out))


def _judge(
    s: str,
    compiled: _CompiledRule,
    lo: int,
    hi: int,
    ends: list[int],
    starts: list[int],
    recovery: bool,
) -> _Hit | None:
    """Weigh one match in its clause: vetoes, media, negation, the past, jokes."""
    rule = compiled.rule
    if rule.strength == "none":
        return None
    cs, ce = _clause(ends, starts, lo, hi)
    ce = len(s) if ce < 0 else ce
    # Context is read in a bounded window, so a long run-on message costs time in
    # proportion to its length, not its square.
    cs = max(cs, lo - _CONTEXT_CHARS)
    ce = min(ce, hi + _CONTEXT_CHARS)
    clause = s[cs:ce]
    if compiled.veto is not None:
        scope = s if rule.veto_message else clause
        if compiled.veto.search(scope) and not (
            compiled.veto_unless is not None and compiled.veto_unless.search(scope)
        ):
            return None
    if _MEDIA.search(clause):
        return None
    strength: Strength = rule.strength
    reasons = rule.reasons
    if rule.negatable:
        negation = _negation(
            s[max(cs, lo - _NEGATION_CHARS) : lo],
            s[hi : min(ce, hi + _NEGATION_CHARS)],
            english_i=s.startswith("i ", lo),
        )
        if negation == "negated":
            return None
        if negation == "hedged" and strength == "crisis":
            strength = "concern"
    if (
        strength in ("crisis", "concern")
        and not _PRESENT.search(clause)
        and (_PAST.search(clause) or (rule.past_form and recovery))
    ):
        strength = "concern"
        reasons = _past_reasons(reasons)
    if strength == "crisis" and _COPED.search(s, hi):
        strength = "concern"
    if (
        rule.joke_soft
        and strength == "crisis"
        and ((_JOKE.search(clause) and _TRIVIAL.search(clause)) or _HYPERBOLE.search(clause))
    ):
        strength = "concern"
    return _Hit(lo, hi, strength, reasons, rule.shadows)


def assess_normalised(norm: Normalised) -> Assessment:
    """Assess text that has already been through :func:`normalise_detail`."""
    if not norm.text:
        return NO_RISK
    live = _GATE.live(norm.text)
    if not live:
        return NO_RISK  # no family can match: the everyday message
    return _assess(norm, live)


def assess_ungated(norm: Normalised) -> Assessment:
    """:func:`assess_normalised` with every family run, gate or not.

    The reference the gate is tested against; never faster, always the same."""
    if not norm.text:
        return NO_RISK
    return _assess(norm, _EVERY_FAMILY)


def gated_families(text: str) -> frozenset[str]:
    """The families the gate lets run on normalised ``text`` (for tests)."""
    return frozenset(_ALL_FAMILIES[i].name for i in _GATE.live(text))


def matching_families(text: str) -> frozenset[str]:
    """The families with a match in normalised ``text``; always a subset of
    :func:`gated_families` (for tests)."""
    return frozenset(f.name for f in _ALL_FAMILIES if f.regex.search(text) is not None)


def _assess(norm: Normalised, live: frozenset[int]) -> Assessment:
    """Run the families in ``live`` (the others must have no match) and judge."""
    s = norm.text
    # Clause breaks and the recovery check, computed once the first match needs them.
    starts: list[int] | None = None
    ends: list[int] = []
    recovery = False
    hits: list[_Hit] = []
    cancelled: list[tuple[int, int]] = []
    for index, family in enumerate(_ALL_FAMILIES):
        if index not in live:
            continue
        cancels = index == 0
        for m in family.regex.finditer(s):
            # Every match is judged: a cap would let two dozen negated sentences
            # hide the disclosure after them.  The cost stays linear in the
            # message's length, since each judgement reads a bounded window.
            compiled = family.rules[(m.lastindex or 1) - 1]
            lo, hi = m.span()
            if cancels:
                cancelled.append((lo, hi))
            elif cancelled and any(lo < c_hi and c_lo < hi for c_lo, c_hi in cancelled):
                continue
            if starts is None:
                breaks = [b.span() for b in _CLAUSE_BREAK.finditer(s)]
                starts = [b[0] for b in breaks]
                ends = [b[1] for b in breaks]
                recovery = _RECOVERY.search(s) is not None
            hit = _judge(s, compiled, lo, hi, ends, starts, recovery)
            if hit is not None:
                hits.append(hit)

    if not hits:
        return NO_RISK
    shadowing = [h for h in hits if h.shadows]
    if shadowing:
        hits = [
            h
            for h in hits
            if h.shadows or not any(h.start < o.end and o.start < h.end for o in shadowing)
        ]
    return _combine(hits, norm.tags)


def _combine(hits: list[_Hit], tags: frozenset[str]) -> Assessment:
    hits.sort(key=lambda h: h.start)
    counts = {"crisis": 0, "concern": 0, "weak": 0, "faint": 0, "none": 0}
    for h in hits:
        counts[h.strength] += 1
    level: RiskLevel
    if counts["crisis"]:
        level = "crisis"
        chosen = [h for h in hits if h.strength == "crisis"]
    elif (
        counts["weak"] >= 2
        or (counts["weak"] and (counts["faint"] or counts["concern"]))
        or (counts["faint"] and counts["concern"])
        or counts["faint"] >= 3
    ):
        level = "crisis"  # signals that mean little alone, together
        chosen = [h for h in hits if h.strength != "none"]
    elif counts["concern"]:
        level = "concern"
        chosen = [h for h in hits if h.strength == "concern"]
    else:
        return NO_RISK
    reasons = [r for h in chosen for r in h.reasons]
    if "slang" in tags:
        reasons.append("slang")
    return Assessment(level=level, reasons=tuple(dict.fromkeys(reasons)))


def about_media(normalised: str) -> bool:
    """Whether normalised text speaks of a film, book, essay or the news, where
    crisis words describe a story rather than the writer."""
    return _MEDIA.search(normalised) is not None


def assess(text: str) -> Assessment:
    """Assess one message: ``crisis``, ``concern`` or ``none``, with reasons."""
    return assess_normalised(normalise_detail(text))
