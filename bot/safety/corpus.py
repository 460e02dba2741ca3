"""Read the labelled crisis-language sets: the training corpus and the held-out sets.

One job: turn the project's TSV files into :class:`Example` values, with errors
that name the file and line.  Two shapes are read:

* single messages, columns ``label  phenomenon  lang  text``;
* conversations, columns ``label  phenomenon  lang  messages``, the messages of
  one person in the order sent, separated by `` || ``.

Labels are ``crisis``, ``concern`` and ``safe``.  The first wave's set
(``data/eval.tsv``: ``label  category  text``, ``none`` for safe) is read too, so
that its lines keep teaching the classifier; its language comes from its category.

Where the files live: ``data/corpus/`` is what the classifier is trained on;
``data/heldout/`` was written by people who never saw the corpus or the rules and
is only ever scored, never trained or tuned on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "CORPUS_DIR",
    "HELDOUT_DIR",
    "LEGACY_EVAL_PATH",
    "Example",
    "Label",
    "read_corpus",
    "read_examples",
    "topic_of",
]

DATA_DIR = Path(__file__).parent / "data"
CORPUS_DIR = DATA_DIR / "corpus"
HELDOUT_DIR = DATA_DIR / "heldout"
LEGACY_EVAL_PATH = DATA_DIR / "eval.tsv"

Label = Literal["crisis", "concern", "safe"]
_LABELS: dict[str, Label] = {"crisis": "crisis", "concern": "concern", "safe": "safe",
                             "none": "safe"}
_LEGACY_LANG = {"spanish": "es", "french": "fr", "german": "de", "portuguese": "pt"}
CONVERSATION_SEPARATOR = " || "

# What a disclosure is about decides which resources come first.  Phenomena not
# named here are about suicide (the default topic).
_TOPICS = {
    "self_harm": "self_harm",
    "danger_from_others": "abuse",
    "danger": "abuse",
    "child_abuse": "abuse",
    "eating_disorder": "eating_disorder",
    "overdose_taken": "overdose",
}


def topic_of(phenomenon: str) -> str:
    """The resource topic a labelled phenomenon belongs to."""
    return _TOPICS.get(phenomenon, "suicide")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message, or one conversation (``messages`` has several)."""

    label: Label
    phenomenon: str
    lang: str
    messages: tuple[str, ...]
    source: str

    @property
    def text(self) -> str:
        """The last message: the one the verdict is given on."""
        return self.messages[-1]

    @property
    def risky(self) -> bool:
        return self.label != "safe"


def read_examples(path: Path) -> list[Example]:
    """Every example in one TSV file; ``ValueError`` names the file and line."""
    with path.open(encoding="utf-8") as handle:
        return list(_parse(handle, path))


def _parse(lines: Iterable[str], path: Path) -> Iterator[Example]:
    header: list[str] | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = [f.strip().lower() for f in fields]
            if header[:1] != ["label"] or header[-1] not in ("text", "messages"):
                raise ValueError(f"{path}:{number}: header must start with 'label' and end "
                                 f"with 'text' or 'messages', not {line!r}")
            continue
        if len(fields) != len(header):
            raise ValueError(f"{path}:{number}: expected {len(header)} tab-separated fields, "
                             f"found {len(fields)}")
        row = dict(zip(header, fields, strict=True))
        label = _LABELS.get(row["label"].strip().lower())
        if label is None:
            raise ValueError(f"{path}:{number}: unknown label {row['label']!r}")
        phenomenon = row.get("phenomenon", row.get("category", "")).strip()
        lang = row.get("lang", "").strip() or _LEGACY_LANG.get(phenomenon, "en")
        body = row.get("messages", row.get("text", ""))
        messages = tuple(m.strip() for m in body.split(CONVERSATION_SEPARATOR)
                         if m.strip()) if "messages" in row else (body.strip(),)
        if not messages or not messages[-1]:
            raise ValueError(f"{path}:{number}: empty text")
        yield Example(label, phenomenon, lang, messages, f"{path.name}:{number}")


def read_corpus(directory: Path = CORPUS_DIR, *, legacy: bool = True) -> list[Example]:
    """The training corpus: every ``*.tsv`` in ``directory`` (sorted, so the
    order is stable), and the first wave's labelled set when ``legacy``."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.tsv")):
        examples.extend(read_examples(path))
    if legacy and LEGACY_EVAL_PATH.exists():
        examples.extend(read_examples(LEGACY_EVAL_PATH))
    return examples
