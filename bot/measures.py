"""The questionnaires the bot offers, and their published scoring keys.

One job: answers in, scores out, exactly as each scale's authors score it.  The
items' wording lives in ``dialogues/measure.yaml`` (with its source); here are
only which items are reverse-scored and which belong to which subscale.

- **SCS-SF**, the Self-Compassion Scale short form: Raes, F., Pommier, E., Neff,
  K. D., & Van Gucht, D. (2011). Construction and factorial validation of a short
  form of the Self-Compassion Scale. *Clinical Psychology & Psychotherapy*, 18,
  250-255.  Twelve items answered 1 (almost never) to 5 (almost always).  The
  negative subscales' items (1, 4, 8, 9, 11, 12) are reverse-scored (6 - answer)
  for the total, which is the mean of all twelve; each subscale is the mean of
  its two items as answered (so a high self-judgment score means more
  self-judgment), as in Neff's scoring instructions.  The scale is free to use
  for research and clinical purposes without permission (self-compassion.org).
- **PHQ-2** (Kroenke, Spitzer & Williams, 2003) and **GAD-2** (Kroenke et al.,
  2007): two items each, 0 (not at all) to 3 (nearly every day), summed (0-6);
  3 or more is the usual point at which to talk it over with a doctor.  Both are
  in the public domain (Pfizer's PHQ screeners, no permission required).

A questionnaire with too many items skipped is not scored at all: a number
computed from half the answers would read as a measurement and is not one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["SCALES", "Scale", "answers_from", "score", "variable_names"]


@dataclass(frozen=True, slots=True)
class Scale:
    """One questionnaire's scoring key."""

    items: int
    low: int
    high: int
    reverse: frozenset[int]
    """Items scored ``low + high - answer`` in the total."""
    subscales: Mapping[str, tuple[int, ...]]
    """Subscale name -> its items, each scored as answered (mean)."""
    total: str
    """How the total is made: ``"mean"`` (of all items, reversed ones reversed) or
    ``"sum"``."""
    min_answered: int
    """Fewest answered items for a score at all."""


SCALES: Mapping[str, Scale] = {
    "scs_sf": Scale(
        items=12, low=1, high=5,
        reverse=frozenset({1, 4, 8, 9, 11, 12}),
        subscales={
            "sk": (2, 6),    # self-kindness
            "sj": (11, 12),  # self-judgment
            "ch": (5, 10),   # common humanity
            "is": (4, 8),    # isolation
            "mi": (3, 7),    # mindfulness
            "oi": (1, 9),    # over-identification
        },
        total="mean",
        # Neff's guidance allows a mean over the items answered; with more than
        # two missing the short form no longer stands for the whole scale.
        min_answered=10,
    ),
    "phq2": Scale(items=2, low=0, high=3, reverse=frozenset(), subscales={}, total="sum",
                  min_answered=2),
    "gad2": Scale(items=2, low=0, high=3, reverse=frozenset(), subscales={}, total="sum",
                  min_answered=2),
}


def score(scale_id: str, answers: Mapping[int, int]) -> dict[str, float] | None:
    """The scores of ``scale_id`` from ``answers`` (item number -> answer), as
    ``{"total": ..., <subscale>: ...}``; ``None`` when too few items were answered.

    Answers outside the scale's range are ignored (a stale button cannot skew a
    score); a subscale with none of its items answered is left out.
    """
    scale = SCALES[scale_id]
    given = {item: answer for item, answer in answers.items()
             if 1 <= item <= scale.items and scale.low <= answer <= scale.high}
    if len(given) < scale.min_answered:
        return None
    keyed = [scale.low + scale.high - answer if item in scale.reverse else answer
             for item, answer in given.items()]
    total = sum(keyed) / len(keyed) if scale.total == "mean" else float(sum(keyed))
    scores: dict[str, float] = {"total": round(total, 2)}
    for name, items in scale.subscales.items():
        mine = [given[item] for item in items if item in given]
        if mine:
            scores[name] = round(sum(mine) / len(mine), 2)
    return scores


def answers_from(prefix: str, values: Mapping[str, str | int]) -> dict[int, int]:
    """The answers a dialogue saved as ``<prefix><n>`` (``scs_3``: ``"4"``), by item."""
    found: dict[int, int] = {}
    for name, value in values.items():
        if not name.startswith(prefix):
            continue
        number = name[len(prefix):]
        text = str(value).strip()
        if number.isdigit() and text.lstrip("-").isdigit():
            found[int(number)] = int(text)
    return found


def variable_names(scale_id: str, prefix: str) -> tuple[str, ...]:
    """The variables a ``score`` step saves: ``<prefix>total`` and each subscale's."""
    return tuple(f"{prefix}{name}" for name in ("total", *SCALES[scale_id].subscales))
