"""The router's learned layer: which exercise a message speaks for, as probabilities.

One job: read free text the way :mod:`bot.route_train` trained on it, and give a
probability for every route.  The model is a multinomial logistic regression
over two kinds of input:

* the hashed word and character n-grams of :mod:`bot.safety.features` (of the
  text normalised by :mod:`bot.safety.normalise`, so typos, slang and
  elongations meet their plain spelling), with the word unigrams and bigrams
  counted :data:`WORD_EMPHASIS` more times under names of their own, all scaled
  by 1/sqrt(count): a sentence has many more character n-grams than words, and
  without the emphasis they drown the words that tell one route from another.
  The few words a negation reaches are read as other words ("I wasn't kind to
  myself" has "notkind", not "kind"), as the cue scorer reads them;
* the cue totals of :mod:`bot.route_scorer`, so the hand-written cues count as
  evidence whose weight was learned, rather than as a second decision to reconcile.

Only the n-grams seen in training have weights; they ship as a sorted id array
and a small matrix in ``data/router_model.npz`` (about 1.4 MB), with the
probability below which the router asks instead of guessing (chosen by the
trainer on cross-validated scores, never on the evaluation set).  Loading is
deterministic and done once (:func:`load_route_model`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from zlib import crc32

import numpy as np
import numpy.typing as npt

from bot.route_scorer import AFFIRMING, NEGATORS, SCOPE_BREAKS
from bot.safety.features import DIMENSIONS, feature_ids, words
from bot.safety.normalise import normalise

__all__ = [
    "CUE_SCALE",
    "DEFAULT_MODEL_PATH",
    "FEATURES",
    "WORD_EMPHASIS",
    "RouteModel",
    "RouteModelError",
    "cue_inputs",
    "load_route_model",
    "negation_marked",
    "text_ids",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "router_model.npz"
# Cue totals run from 0 to about 15; dividing keeps them on the scale of the
# n-gram inputs (which sum to about sqrt(count)), so one step size fits both.
CUE_SCALE = 5.0
CUE_CAP = 3.0
# Extra copies of each word unigram and bigram (chosen by cross-validation: 3
# routed 2 points more of the corpus right than none, at the same share wrong,
# over three fold seeds).
WORD_EMPHASIS = 3
# How many words after a negation it reaches (fewer at a clause end or a word
# such as "and" or "but"; none when it asserts, as in "can't stop").
NEGATED_WORDS = 3
# What :func:`text_ids` computes, recorded in the model file: a model trained on
# other features would load cleanly and route nonsense, so it is refused instead.
FEATURES = f"ngrams+words{WORD_EMPHASIS}+negation{NEGATED_WORDS}"
_MASK = DIMENSIONS - 1
# Clause ends, as the cue scorer's: a negation never reaches across one.
_CLAUSE = re.compile(r"[.!?;,:\n()\u2026\u2013\u2014]+")

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]


class RouteModelError(RuntimeError):
    """The router model file is missing, damaged or made for other features."""


def negation_marked(normalised: str) -> str:
    """The words of normalised text, each one a negation reaches prefixed with
    "not": "i wasnt kind to myself" becomes "i wasnt notkind notto notmyself"."""
    out: list[str] = []
    for clause in _CLAUSE.split(normalised):
        reach = 0
        for word in words(clause):
            if word in NEGATORS:
                reach = NEGATED_WORDS
            elif word in SCOPE_BREAKS or word in AFFIRMING:
                reach = 0
            elif reach:
                reach -= 1
                word = "not" + word
            out.append(word)
    return " ".join(out)


def text_ids(text: str) -> tuple[int, ...]:
    """The hashed ids of a raw message (normalised, and negated words marked): its
    word and character n-grams, and :data:`WORD_EMPHASIS` more copies of its word
    n-grams."""
    marked = negation_marked(normalise(text))
    ids = set(feature_ids(marked).tolist())
    tokens = words(marked)
    for copy in range(WORD_EMPHASIS):
        previous = "<s>"
        for token in tokens:
            ids.add(crc32(f"r{copy}w{token}".encode()) & _MASK)
            ids.add(crc32(f"r{copy}b{previous} {token}".encode()) & _MASK)
            previous = token
    return tuple(sorted(ids))


def cue_inputs(cue_routes: tuple[str, ...], totals: Mapping[str, float]) -> FloatArray:
    """The cue totals as model inputs, in ``cue_routes`` order, scaled and capped
    (a pile of weak cues should not outvote the words around them)."""
    return np.array([min(max(totals.get(r, 0.0), 0.0) / CUE_SCALE, CUE_CAP)
                     for r in cue_routes], dtype=np.float32)


class RouteModel:
    """Weights per route for the n-grams seen in training and for the cue totals."""

    def __init__(
        self,
        *,
        routes: tuple[str, ...],
        cue_routes: tuple[str, ...],
        ids: IdArray,
        weights: FloatArray,
        cue_weights: FloatArray,
        bias: FloatArray,
        threshold: float,
        meta: Mapping[str, object] | None = None,
    ) -> None:
        k = len(routes)
        problems = []
        if k < 2 or len(set(routes)) != k:
            problems.append(f"routes {routes!r} are not at least two distinct names")
        if ids.ndim != 1 or weights.shape != (len(ids), k):
            problems.append(f"weights have shape {weights.shape}, expected ({len(ids)}, {k})")
        if cue_weights.shape != (len(cue_routes), k) or bias.shape != (k,):
            problems.append("cue weights or bias do not match the routes")
        if len(ids) and (ids.min() < 0 or ids.max() >= DIMENSIONS
                         or bool(np.any(np.diff(ids) <= 0))):
            problems.append(f"feature ids are not sorted, unique and below {DIMENSIONS}")
        if not 0.0 <= threshold <= 1.0:
            problems.append(f"threshold {threshold} is not a probability")
        if problems:
            raise RouteModelError("; ".join(problems))
        self.routes = routes
        self.cue_routes = cue_routes
        self.ids = ids
        self.weights = weights
        self.cue_weights = cue_weights
        self.bias = bias
        self.threshold = threshold
        self.meta = dict(meta or {})

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> RouteModel:
        """Read a model written by :meth:`save`; any fault names the file."""
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(str(data["header"]))
                model = cls(
                    routes=tuple(str(r) for r in header["routes"]),
                    cue_routes=tuple(str(r) for r in header["cue_routes"]),
                    ids=data["ids"].astype(np.int64),
                    weights=data["weights"].astype(np.float32),
                    cue_weights=data["cue_weights"].astype(np.float32),
                    bias=data["bias"].astype(np.float32),
                    threshold=float(header["threshold"]),
                    meta=header.get("meta", {}),
                )
            if header.get("dimensions") != DIMENSIONS:
                raise RouteModelError(f"made for {header.get('dimensions')} hashed features, "
                                      f"not {DIMENSIONS}")
            if header.get("features") != FEATURES:
                raise RouteModelError(f"made for features {header.get('features')!r}, "
                                      f"not {FEATURES!r}")
        except (OSError, KeyError, ValueError, TypeError, RouteModelError) as exc:
            raise RouteModelError(
                f"cannot read the router model {path}: {exc} "
                "(retrain with 'compassion-bot router train')") from exc
        return model

    def save(self, path: Path) -> None:
        """Write the model compactly: float16 n-gram weights, compressed."""
        header = {"routes": list(self.routes), "cue_routes": list(self.cue_routes),
                  "threshold": self.threshold, "dimensions": DIMENSIONS,
                  "features": FEATURES, "meta": self.meta}
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                header=np.array(json.dumps(header, sort_keys=True)),
                ids=self.ids.astype(np.int32),
                weights=self.weights.astype(np.float16),
                cue_weights=self.cue_weights.astype(np.float32),
                bias=self.bias.astype(np.float32),
            )

    def probabilities(self, text: str, cue_totals: Mapping[str, float]) -> dict[str, float]:
        """The probability of every route for a raw message and its cue totals."""
        return self.probabilities_of(text_ids(text), cue_inputs(self.cue_routes, cue_totals))

    def probabilities_of(self, ids: tuple[int, ...], cues: FloatArray) -> dict[str, float]:
        """The probability of every route for prepared inputs (as in training)."""
        logits = self.bias + cues @ self.cue_weights
        if ids:
            wanted = np.asarray(ids, dtype=np.int64)
            # Unseen n-grams have no weight: look the rest up in the sorted ids.
            where = np.searchsorted(self.ids, wanted)
            where[where >= len(self.ids)] = 0
            known = where[self.ids[where] == wanted] if len(self.ids) else where[:0]
            logits = logits + self.weights[known].sum(axis=0) / math.sqrt(len(ids))
        shifted = np.exp(logits - logits.max())
        shares = shifted / shifted.sum()
        return {route: float(p) for route, p in zip(self.routes, shares, strict=True)}


@lru_cache(maxsize=4)
def load_route_model(path: Path = DEFAULT_MODEL_PATH) -> RouteModel:
    """The model at ``path``, read once per process (it is immutable once loaded)."""
    return RouteModel.load(path)
