"""Turn a raw chat message into the one canonical form the crisis detector reads.

One job: make the many ways people type the same words look alike, so that the
detector's rule tables can be written once in plain spelling.  The steps, in order:

1. drop invisible format characters (zero-width spaces and joiners, soft hyphens,
   bidi marks, variation selectors), which otherwise split a word in two;
2. Unicode NFKC (full-width letters, ligatures), case folding, and stripping
   accents, so "Não", "NAO" and "nao" meet;
3. curly quotes to straight ones, then apostrophes removed ("I'm" -> "im",
   "don't" -> "dont"), because people type both forms;
4. censored words ("k*ll", "s**cide") and leetspeak inside words ("d1e", "$uicide");
5. hyphens and similar joiners become spaces ("self-harm" -> "self harm"), and
   s p a c e d - o u t letters are joined;
6. **every run of a repeated letter is squeezed to one letter**: "kiiill" and
   "kill" both become "kil", "pleeease" becomes "plese".  This is deliberate:
   elongation is common in distress and in jokes, and squeezing fully is the only
   rule that maps every elongation of a word to the same string.  The detector
   squeezes its own patterns with :func:`squeeze_pattern`, so rules stay readable;
7. common misspellings, chat shorthand and slang are rewritten to plain words
   ("suicde" -> "suicide", "wanna" -> "want to", "kms" -> "kill myself",
   "unalive" -> "kill", "sewerslide" -> "suicide").

:func:`normalise_detail` also reports which families of rewrite fired (``slang``,
``misspelling``, ``shorthand``, ``censored``, ``leet``), so the detector can name
"slang" as a reason.  Nothing here logs or stores the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from bot.text import one_edit

__all__ = [
    "WORD_CHARS",
    "Normalised",
    "compile_squeezed",
    "literal_alternation",
    "normalise",
    "normalise_detail",
    "squeeze",
    "squeeze_pattern",
]


@dataclass(frozen=True, slots=True)
class Normalised:
    """The canonical text, and which families of rewrite changed it."""

    text: str
    tags: frozenset[str]


# --- squeezing ---------------------------------------------------------------

# Letters only: digits ("100") and punctuation ("!!!") keep their runs.
_LETTER_RUN = re.compile(r"([^\W\d_])\1+")


def squeeze(text: str) -> str:
    """Collapse every run of one repeated letter to a single letter."""
    return _LETTER_RUN.sub(r"\1", text)


# A letter, then regex punctuation, then the same letter: "kil(?:l)" would never
# match squeezed text, so it is a bug in a rule, caught when the rule is built.
_SPLIT_DOUBLE = re.compile(r"([a-z])[()?:]+\1")
_ESCAPE = re.compile(r"\\.")


def squeeze_pattern(pattern: str) -> str:
    """Squeeze the literal letters of a regular expression the way :func:`squeeze`
    squeezes text, leaving escapes (``\\b``, ``\\w``) and classes untouched.

    Raises ``ValueError`` for a pattern that splits a doubled letter across regex
    syntax (``kil(?:l)``), since its squeezed form could never match."""
    if _SPLIT_DOUBLE.search(_ESCAPE.sub("\0", pattern)):
        raise ValueError(f"pattern splits a doubled letter across regex syntax: {pattern!r}")
    out: list[str] = []
    prev = ""
    in_class = False
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            prev = ""
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
            prev = ""
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            prev = ""
            i += 1
            continue
        if c.isalpha() and c == prev:
            i += 1
            continue
        out.append(c)
        prev = c if c.isalpha() else ""
        i += 1
    return "".join(out)


def compile_squeezed(pattern: str) -> re.Pattern[str]:
    """A pattern written in plain spelling, compiled to read squeezed text."""
    return re.compile(squeeze_pattern(pattern))


# --- character-level clean-up ---------------------------------------------------

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_COMBINING = re.compile("[\u0300-\u036f]")
# Arabic as people type it: short-vowel marks and the stretching stroke dropped,
# the alef, yeh and teh marbuta variants unified, so one spelling meets another.
# Letters that carry their mark in the letter itself, so NFD leaves them whole.
_BARRED = str.maketrans({"ł": "l", "ı": "i", "đ": "d", "ø": "o", "ħ": "h", "ŧ": "t"})
_ARABIC = re.compile("[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_LETTERS = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",
                                 "\u0671": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647"})
WORD_CHARS = "\\w\u0900-\u0dff"
"""What counts as part of a word: ``\\w`` misses the vowel signs of Indic scripts
("मरना" would split at "ा"), so their blocks are named too.  For regex classes."""
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u02b9": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
# Joiners that people put inside or between words; a space keeps both words.
_JOINERS = str.maketrans({"-": " ", "_": " ", "/": " ", "~": " ", "+": " ", "|": " "})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r" ?\n[\s]*")

# "k i l l" and "s u i c i d e": three or more single letters separated by spaces.
# Four or more are always joined; three only when they spell a short word that
# matters here ("d i e"), since "i a m" is more often just typing.
_SPACED_LETTERS = re.compile(r"(?<![^\W\d_])(?:[^\W\d_] ){2,}[^\W\d_](?![^\W\d_])")
_SHORT_SPELLED = frozenset({"die", "cut", "kms", "kys", "end", "od", "hang"})
# A word split in two to slip past a filter ("sui cide", "over dosed"): rejoined
# only for these long words, whose halves are no words a sentence would put side
# by side (a trial: "thinking about sui cide" read as nothing).
_SPLIT_TARGETS = ("suicide", "suicidal", "overdose", "overdosed", "overdosing", "unalive")
# Both halves have three letters or more, since a short word may simply follow
# ("suicid all" is "suicide, all"), except "un alive"; splits that are words of
# their own are left: "faccio una live stasera" is a live stream.
_REAL_SPLITS = frozenset({"una live"})
_SHORT_SPLITS = ("un alive",)
# "k.i.l.l", "d-i-e", "s_u_i_c_i_d_e": letters joined by one kind of separator.
_DOTTED_LETTERS = re.compile(
    r"(?<![^\W\d_])[^\W\d_](?P<sep>[.\-_·•,])(?:[^\W\d_](?P=sep)){1,}[^\W\d_](?![^\W\d_])"
)
# A two-letter word dotted in a message already written that way ("w.a.n.t t.o
# d.i.e"): joined only beside another dotted word, so "e.g" or "i.e" alone stay.
_DOTTED_PAIR = re.compile(r"(?<![^\W\d_.])([^\W\d_])\.([^\W\d_])(?![^\W\d_.])")
# "off myself" is the one slang phrase squeezing would break ("of myself"), so it
# is read before squeezing, where the double f still tells it apart.
_OFF_MYSELF = re.compile(r"(?<![^\W\d_])of{2,}(?= (?:myself|meself|my self)(?![^\W\d_]))")

# Emoji used as words.  Objects always read as their word; a skull or coffin only
# where a verb stands before it ("i want to 💀"), since "im dead 💀" is a laugh.
_EMOJI_WORDS = str.maketrans({
    "🔪": " knife ", "🗡": " knife ", "💊": " pills ", "🔫": " gun ", "🪢": " rope ",
    "🩸": " blood ", "🌉": " bridge ", "🚆": " train ", "🚄": " train ", "🚇": " train ",
})
_DEATH_EMOJI = re.compile(
    r"\b(?P<verb>to|gonna|wanna|finna|i|just|should|will|ill|might|could|and|then|go) ?"
    r"(?:💀|☠|⚰|🪦)\ufe0f?"
)

# Common typos of the words the rules hinge on, found by edit distance (one
# insertion, deletion, substitution or swap) rather than listed one by one.  Only
# words of six letters or more, none of them a neighbour of an everyday word.
_TYPO_TARGETS = (
    "suicide", "suicidal", "myself", "overdose", "overdosed", "overdosing", "unalive",
    "anymore", "worthless", "hopeless", "goodbye", "everyone", "tonight", "pointless",
)
_TYPO_WORD = re.compile(r"\b[a-z]{5,11}\b")
# Words of the languages with rule tables that are one edit from a target and are
# no typo: "suicidar" (es, pt) is not "suicidal", and the rules that name it
# ("se va a suicidar", "quero me suicidar") never matched once it was "corrected".
_NOT_TYPOS = frozenset({"suicidar", "suicider"})

# Censored words: a token with letters and asterisks.  Each run of stars stands
# for one to three letters of a word from this short list.
_CENSORED_TOKEN = re.compile(r"(?<![a-z*])(?=[a-z*]*\*)(?=[a-z*]*[a-z])[a-z*]+")
_CENSORABLE = (
    "kill",
    "killing",
    "suicide",
    "suicidal",
    "die",
    "dead",
    "death",
    "myself",
    "cut",
    "cutting",
    "hang",
    "rape",
    "raped",
    # the same words in the languages with rule tables ("s*icidarme", "m*rir")
    "suicidarme",
    "suicidarse",
    "suicidio",
    "matarme",
    "morir",
    "morirme",
    "cortarme",
    "suicidar",
    "suicider",
    "tuer",
    "mourir",
    "umbringen",
    "selbstmord",
    "sterben",
    "morrer",
    "matar",
    # Indonesian "b*nuh d*ri" (a trial)
    "bunuh",
    "diri",
)

# Leetspeak inside a word that starts with a letter (or "$"): "d1e", "k1ll",
# "$uicide".  Tokens that start with a digit ("20mg", "3am") are left alone.
_LEET_TOKEN = re.compile(r"(?<![\w$@])(?:\$[a-z0-9$@]*|[a-z][a-z0-9$@]*[0-9$@][a-z0-9$@]*)")
_BANG_IN_WORD = re.compile(r"(?<=[a-z])!+(?=[a-z])")
_LEET_MAP = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a"}
)


def _uncensor(match: re.Match[str]) -> str:
    token = match.group(0)
    pieces = [re.escape(part) for part in re.split(r"\*+", token)]
    probe = re.compile("[a-z]{1,3}".join(pieces))
    for word in _CENSORABLE:
        if probe.fullmatch(word):
            return word
    return token.replace("*", " ")


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if sum(ch.isalpha() for ch in token) < 2:
        return token  # "b4", "m8": too short to tell a word from a code
    return token.translate(_LEET_MAP)


def _unleet_short(match: re.Match[str]) -> str:
    """A short token ("t0", "m3") in a message already read as leetspeak."""
    return match.group(0).translate(_LEET_MAP)


# --- word-level rewrites ------------------------------------------------------------

# (pattern, replacement, tag).  Patterns and replacements are written in plain
# spelling and squeezed when the table is compiled, because they run on squeezed
# text.  Order matters only where two entries could match at the same place:
# the longer, more specific one comes first.
_G_DROPPED = (
    "think",
    "kill",
    "cutt",
    "hurt",
    "dy",
    "go",
    "try",
    "feel",
    "liv",
    "want",
    "plann",
    "end",
    "hang",
    "burn",
    "harm",
    "starv",
    "sav",
)

_REWRITES: tuple[tuple[str, str, str], ...] = (
    # slang and euphemisms for suicide and self-harm
    (r"kermit (?:sewer ?slide|sewer side|suicide|sudoku)", "commit suicide", "slang"),
    (r"commit (?:sudoku|toaster bath|sewer ?slide|die)", "commit suicide", "slang"),
    (r"(?:sewer ?slide|sewer ?side|sewercide|suey ?side|sooey ?side|sue side)", "suicide", "slang"),
    (r"toaster bath", "suicide", "slang"),
    (r"kmsl", "kill myself laughing", "slang"),
    (r"kmys|kms", "kill myself", "slang"),
    (
        r"(?:(?<=want to )|(?<=wanna )|(?<=gonna )|(?<=going to )|(?<=time to )|(?<=ready to )"
        r"|(?<=about to )|(?<=finna )|(?<=will )|(?<=might )|(?<=gona )|(?<=i )|(?<=ill )"
        r"|(?<=imma )|(?<=ima ))kys",
        "kill myself",
        "slang",
    ),
    (r"kys", "kill yourself", "slang"),
    (r"unalive (?:myself|meself|my self)", "kill myself", "slang"),
    (r"unaliving (?:myself|meself|my self)", "killing myself", "slang"),
    (r"unalive yourself", "kill yourself", "slang"),
    (r"(?:be|being) unalive", "be dead", "slang"),
    (r"unalived", "killed", "slang"),
    (
        r"unalive(?=\s*(?:[.!?,;:\n]|$)| (?:tonight|today|now|so|right|rn|soon|lol|tbh|fr|honestly"
        r"|again|already|asap|please|pls))",
        "kill myself",
        "slang",
    ),
    (r"unaliving", "killing", "slang"),
    (r"unalive", "kill", "slang"),
    (r"self (?:delete|deleting|deletion)|selfdelete", "kill myself", "slang"),
    (r"delete myself", "kill myself", "slang"),
    (r"deleting myself", "killing myself", "slang"),
    # "off myself" is rewritten before squeezing (see _OFF_MYSELF): squeezed, "off"
    # is "of", and "proud of myself" must stay what it is.
    (r"(?:top|end) (?:myself|meself)", "kill myself", "slang"),
    (r"(?:offing|topping|ending) (?:myself|meself)", "killing myself", "slang"),
    (r"do (?:myself|meself) in", "kill myself", "slang"),
    (r"doing (?:myself|meself) in", "killing myself", "slang"),
    (r"(?:neck|rope) (?:myself|meself)", "hang myself", "slang"),
    (r"(?:necking|roping) (?:myself|meself)", "hanging myself", "slang"),
    (
        r"(?:(?<=want to )|(?<=wanna )|(?<=gonna )|(?<=going to )|(?<=time to )|(?<=ready to )"
        r"|(?<=about to )|(?<=finna )|(?<=will )|(?<=might ))"
        r"rope(?! (?:in|into|off|of|ladder|swing))",
        "hang myself",
        "slang",
    ),
    (r"lyfe|lfie|lief|lyf|lfe", "life", "slang"),
    # misspellings
    (
        r"suicde|sucide|sucid|suiside|suisid|suiced|suicied|siucide|suecide|suiscide|sucicide"
        r"|suacide|suside|suicid|suecid|sooicide|suiside|suisaid",
        "suicide",
        "misspelling",
    ),
    (
        r"sucidal|suicdal|suicidial|sucidial|suisidal|suicidle|suicidel|suicidual|suicial"
        r"|suecidal|suicidale",
        "suicidal",
        "misspelling",
    ),
    (r"myslef|mysef|myelf|mysefl|my self|myseld|myslf|mysself|myselv", "myself", "misspelling"),
    (r"killmyself|kilmyself", "kill myself", "misspelling"),
    (r"i?wan(?:t|na)to(?:die|d)|i?wantodie|i?wanadie", "i want to die", "misspelling"),
    (r"i?wan(?:t|na)to(?:kilmyself|killmyself)|i?wantokilmyself", "i want to kill myself",
     "misspelling"),
    (r"endmylife", "end my life", "misspelling"),
    # "life's" loses its apostrophe like "don't"; these read better expanded
    (r"lifes", "life is", "shorthand"),
    (r"everythings", "everything is", "shorthand"),
    (r"nothings", "nothing is", "shorthand"),
    (r"wishiwasdead", "wish i was dead", "misspelling"),
    (r"wnat|wnt|whant|wamt", "want", "misspelling"),
    (r"dieing", "dying", "misspelling"),
    (
        r"die(?= (?:my|her|his|their|your|the|our) (?:\w+ )?(?:hair|clothes|shirt|jeans|beard"
        r"|eyebrows|fabric|eggs|roots|fringe|tips|shoes|wool))",
        "dye",
        "misspelling",
    ),
    (
        r"dye(?=\s*(?:[.!?,;:\n]|$)| (?:tonight|today|now|so|already|alone|soon|lol|tbh|fr"
        r"|honestly|please|in my sleep|right now|inside))",
        "die",
        "misspelling",
    ),
    (
        r"dying(?= (?:my|her|his|their|your|the|our) (?:\w+ )?(?:hair|clothes|shirt|jeans|beard"
        r"|eyebrows|fabric|eggs|roots|fringe|tips|shoes|wool))",
        "dyeing",
        "misspelling",
    ),
    (r"anymroe|anymor|any more|nomore", "anymore", "misspelling"),
    (r"ded", "dead", "misspelling"),
    (r"kiero", "quiero", "misspelling"),
    (r"naum", "nao", "misspelling"),
    # chat shorthand
    (r"wanna|wana|wanan|wan2|want2|want 2", "want to", "shorthand"),
    (r"gonna|gunna|finna|going 2|gona|gna", "going to", "shorthand"),
    (
        r"(?:(?<=want )|(?<=wanna )|(?<=need )|(?<=going )|(?<=wanted )|(?<=ready )|(?<=have )"
        r"|(?<=deserve ))ot",
        "to",
        "misspelling",
    ),
    (r"tryna", "trying to", "shorthand"),
    (r"imma|ima|i ma", "im going to", "shorthand"),
    (r"need 2", "need to", "shorthand"),
    (r"tonite|2nite|2night", "tonight", "shorthand"),
    (r"rn", "right now", "shorthand"),
    (r"ppl", "people", "shorthand"),
    (r"(?<!a )bout", "about", "shorthand"),
    (r"u", "you", "shorthand"),
    (r"ur", "your", "shorthand"),
    (r"donot|dnt", "dont", "shorthand"),
    *((word + "in", word + "ing", "shorthand") for word in _G_DROPPED),
)


def literal_alternation(words: list[str]) -> str:
    """An alternation of literal strings grouped by first character.

    Python's regex engine tries the branches of an alternation one by one; with
    the branches grouped by first character, all groups but one fail on a single
    comparison.  Longer strings come first within a group, so "kmsl" is tried
    before "kms".  Used for the long word lists here and in the detector."""
    groups: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        if word:
            groups.setdefault(word[0], []).append(word[1:])
    parts: list[str] = []
    for first, rests in groups.items():
        rests.sort(key=len, reverse=True)
        body = "|".join(re.escape(rest).replace("\\ ", " ") for rest in rests)
        parts.append(f"{re.escape(first)}(?:{body})")
    return "(?:" + "|".join(parts) + ")"


# A rewrite pattern that is only words and "|" is a list of literals; those all go
# into one grouped alternation and are looked up by the matched text.
_SPLIT_WORD = re.compile(
    r"\b"
    + literal_alternation([*_SHORT_SPLITS, *(
        split for word in _SPLIT_TARGETS for cut in range(3, len(word) - 2)
        if (split := f"{word[:cut]} {word[cut:]}") not in _REAL_SPLITS)])
    + r"\b"
)
_PURE_LITERALS = re.compile(r"[a-z0-9 |]+")


@dataclass(frozen=True, slots=True)
class _Rewriter:
    """One compiled pass.  Groups 1..n are the entries with regex syntax, by
    position; the last group is the grouped literal list, looked up in ``literals``."""

    regex: re.Pattern[str]
    literals: Mapping[str, tuple[str, str]]
    replacements: tuple[str, ...]
    tags: tuple[str, ...]

    def apply(self, text: str, tags: set[str]) -> str:
        def replace(match: re.Match[str]) -> str:
            found = match.group(0)
            index = (match.lastindex or 1) - 1
            if index == len(self.replacements):
                replacement, tag = self.literals[found]
            else:
                replacement, tag = self.replacements[index], self.tags[index]
            # Some entries squeeze to their own replacement ("mysself"); that is
            # no rewrite, so it earns no tag.
            if replacement != found:
                tags.add(tag)
            return replacement

        return self.regex.sub(replace, text)


def _build_rewriter(table: tuple[tuple[str, str, str], ...]) -> _Rewriter:
    literals: dict[str, tuple[str, str]] = {}
    parts: list[str] = []
    replacements: list[str] = []
    tags: list[str] = []
    for pattern, repl, tag in table:
        squeezed = squeeze_pattern(pattern)
        if re.compile(squeezed).groups:
            raise ValueError(f"rewrite pattern must not capture: {pattern!r}")
        if _PURE_LITERALS.fullmatch(squeezed):
            for word in squeezed.split("|"):
                literals.setdefault(word, (squeeze(repl), tag))  # earlier entries win
        else:
            parts.append(f"({squeezed})")
            replacements.append(squeeze(repl))
            tags.append(tag)
    # Entries with regex syntax come first: they are the specific cases ("unalive"
    # at the end of a sentence) of words the literal list also holds.
    alternation = "|".join([*parts, f"({literal_alternation(list(literals))})"])
    return _Rewriter(
        # the word-boundary tests sit outside the alternation: one test per position
        regex=re.compile(f"(?<![\\w$])(?=\\w)(?:{alternation})(?!\\w)"),
        literals=MappingProxyType(literals),
        replacements=tuple(replacements),
        tags=tuple(tags),
    )


_REWRITER = _build_rewriter(_REWRITES)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _build_typo_index(targets: tuple[str, ...]) -> Mapping[str, str]:
    """Each target and each of its one-letter deletions, pointing at the target
    (the symmetric-delete index: a typo and its word share a deletion)."""
    index: dict[str, str] = {}
    for target in targets:
        word = squeeze(target)
        index.setdefault(word, word)
        for deleted in _deletes(word):
            index.setdefault(deleted, word)
    return MappingProxyType(index)


_TYPO_INDEX = _build_typo_index(_TYPO_TARGETS)
_TYPO_EXACT = frozenset(squeeze(t) for t in _TYPO_TARGETS)


@lru_cache(maxsize=16384)
def _typo_fix(token: str) -> str:
    """The target word ``token`` is a one-edit typo of, or ``token`` itself."""
    if token in _TYPO_EXACT or token in _NOT_TYPOS:
        return token
    candidates = {_TYPO_INDEX[token]} if token in _TYPO_INDEX else set()
    for deleted in _deletes(token):
        if deleted in _TYPO_INDEX:
            candidates.add(_TYPO_INDEX[deleted])
    for candidate in sorted(candidates):
        if one_edit(token, candidate):
            return candidate
    return token


def _fix_typos(text: str, tags: set[str]) -> str:
    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        fixed = _typo_fix(word)
        if fixed != word:
            tags.add("misspelling")
        return fixed

    return _TYPO_WORD.sub(fix, text)


def _join_spaced(match: re.Match[str]) -> str:
    joined = match.group(0).replace(" ", "")
    return joined if len(joined) >= 4 or joined in _SHORT_SPELLED else match.group(0)


def _join_dotted(match: re.Match[str]) -> str:
    return match.group(0).replace(match.group("sep"), "")


def normalise_detail(text: str, *, fix_typos: bool = True) -> Normalised:
    """Normalise ``text`` and report which rewrite families fired.

    ``fix_typos=False`` leaves words near the typo targets alone: for the stems of
    phrase lists ("suicid*"), which are not words of their own."""
    tags: set[str] = set()
    s = text
    if not s.isascii():
        s = _INVISIBLE.sub("", s)
        s = unicodedata.normalize("NFKC", s)
        s = s.casefold()
        s = _COMBINING.sub("", unicodedata.normalize("NFD", s))
        s = unicodedata.normalize("NFC", s).translate(_BARRED)
        if _ARABIC.search(s):
            s = _ARABIC_MARKS.sub("", s).translate(_ARABIC_LETTERS)
    else:
        s = s.lower()
    s = s.translate(_QUOTES)
    if "*" in s:
        before = s
        s = _CENSORED_TOKEN.sub(_uncensor, s)
        if s != before:
            tags.add("censored")
    s = s.replace("'", "")
    if not s.isascii():
        before = s
        s = _DEATH_EMOJI.sub(r"\g<verb> die ", s.translate(_EMOJI_WORDS))
        if s != before:
            tags.add("emoji")
    if "of" in s:
        before = s
        s = _OFF_MYSELF.sub("kill", s)
        if s != before:
            tags.add("slang")
    if "!" in s:
        # "d!e", "k!ll": an exclamation mark between letters stands for an i
        s = _BANG_IN_WORD.sub("i", s)
    before = s
    s = _LEET_TOKEN.sub(_unleet, s)
    if s != before:
        tags.add("leet")
        # In a message written in leetspeak, short words are too ("i w4nt t0 d1e",
        # a trial: "t0" stayed, and "want t0 die" got only the question).
        s = _LEET_TOKEN.sub(_unleet_short, s)
    before = s
    dotted = _DOTTED_LETTERS.sub(_join_dotted, s)
    s = _DOTTED_PAIR.sub(r"\1\2", dotted) if dotted != s else s
    s = s.translate(_JOINERS)
    s = _SPACES.sub(" ", s)
    s = _SPACED_LETTERS.sub(_join_spaced, s)
    if s != before:
        tags.add("spaced")
    s = squeeze(s)
    if " " in s:
        before = s
        s = _SPLIT_WORD.sub(lambda match: match.group(0).replace(" ", ""), s)
        if s != before:
            tags.add("spaced")
    if fix_typos:
        s = _fix_typos(s, tags)
    s = _REWRITER.apply(s, tags)
    s = _NEWLINES.sub("\n", s).strip()
    return Normalised(s, frozenset(tags))


def normalise(text: str, *, fix_typos: bool = True) -> str:
    """The canonical form of ``text`` (see the module docstring for the steps)."""
    return normalise_detail(text, fix_typos=fix_typos).text
