"""The learned layer of the crisis detector: a linear model over hashed n-grams.

One job: score normalised text for risk with weights trained by
:mod:`bot.safety.train` on the project's own multilingual corpus.  It is the
second opinion beside the rule tables: rules name the sentences they were written
from; the model generalises to wording no rule names ("i have pills saved up",
"sería más fácil no despertar", "死にたい").

Three heads share the features of :mod:`bot.safety.features`:

* ``risk``: the probability that the text needs at least a safety question;
* ``crisis``: the probability that it needs the crisis lines;
* ``topic``: what a risky text is about (suicide, self-harm, abuse, an eating
  disorder, an overdose taken), so the matching resources come first.

A long message is scored whole and sentence by sentence, and its highest score
counts: one sentence of risk at the end of ten about the weather is still seen.

The weights ship in ``data/classifier.npz`` (float16, about a megabyte), are
loaded once at start and never downloaded.  Thresholds are chosen by the trainer
on cross-validated training data, never on a held-out set, and ship with them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.safety.features import DIMENSIONS, FeatureIds, feature_ids, segments, window_ids

__all__ = [
    "DEFAULT_MODEL_PATH",
    "TOPICS",
    "Classifier",
    "ModelError",
    "Scores",
    "Thresholds",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "classifier.npz"
TOPICS = ("suicide", "self_harm", "abuse", "eating_disorder", "overdose")
RISK, CRISIS = 0, 1

FloatArray = npt.NDArray[np.float32]


class ModelError(RuntimeError):
    """The model file is missing, damaged or made for other features."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probabilities at which a score becomes a verdict.

    A window of several messages read as one (the context layer) is its own kind
    of text, with its own safe scores (a run of sad but safe answers reads
    riskier than any one of them), so it has its own pair, chosen on the corpus's
    conversations as the first pair is on its single messages."""

    concern: float
    crisis: float
    window_concern: float
    window_crisis: float


@dataclass(frozen=True, slots=True)
class Scores:
    """The model's reading of one text (the highest over its segments)."""

    risk: float
    crisis: float
    topic: str


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Classifier:
    """Weights for the three heads and the thresholds they were tuned with."""

    def __init__(
        self,
        weights: FloatArray,
        bias: FloatArray,
        thresholds: Thresholds,
        meta: dict[str, object] | None = None,
    ) -> None:
        if weights.shape != (DIMENSIONS, 2 + len(TOPICS)) or bias.shape != (2 + len(TOPICS),):
            raise ModelError(
                f"model weights have shape {weights.shape}, expected "
                f"({DIMENSIONS}, {2 + len(TOPICS)}): retrain with 'compassion-bot safety train'"
            )
        self.weights = weights
        self.bias = bias
        self.thresholds = thresholds
        self.meta = dict(meta or {})

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> Classifier:
        """Read a model written by :meth:`save`."""
        try:
            with np.load(path, allow_pickle=False) as data:
                weights = data["weights"].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                thresholds = [float(t) for t in data["thresholds"].astype(float)]
                meta = json.loads(str(data["meta"]))
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot read the crisis classifier {path}: {exc}") from exc
        if len(thresholds) == 2:
            thresholds *= 2  # written before windows had their own pair: the same for both
        if len(thresholds) != 4:
            raise ModelError(f"cannot read the crisis classifier {path}: "
                             f"{len(thresholds)} thresholds, expected 2 or 4")
        return cls(weights, bias, Thresholds(*thresholds), meta)

    def save(self, path: Path) -> None:
        """Write the model compactly: float16 weights, compressed."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                weights=self.weights.astype(np.float16),
                bias=self.bias.astype(np.float32),
                thresholds=np.array([self.thresholds.concern, self.thresholds.crisis,
                                     self.thresholds.window_concern,
                                     self.thresholds.window_crisis]),
                meta=np.array(json.dumps(self.meta, sort_keys=True)),
            )

    def logits(self, normalised: str) -> FloatArray:
        """The raw scores of all heads for one piece of text."""
        return self.logits_of(feature_ids(normalised))

    def logits_of(self, ids: FeatureIds) -> FloatArray:
        """The raw scores of all heads for a set of feature ids."""
        if not len(ids):
            return self.bias.copy()
        scale = 1.0 / math.sqrt(len(ids))
        # take(): the same rows in the same order as weights[ids], without the
        # checks of fancy indexing.
        out: FloatArray = self.weights.take(ids, axis=0).sum(axis=0) * scale + self.bias
        return out

    def score(self, normalised: str) -> Scores:
        """Risk, crisis and topic of normalised text: the highest of the whole
        text and of each of its segments."""
        best = self.logits(normalised)
        for part in segments(normalised):
            best = np.maximum(best, self.logits(part))
        return self._scores(best)

    def score_window(self, messages: Sequence[str]) -> Scores:
        """Several normalised messages of one person read as one (the context
        layer): each was read alone when it came, so only the whole is scored."""
        if len(messages) == 1:
            return self.score(messages[0])
        return self._scores(self.logits_of(window_ids(messages)))

    def _scores(self, best: FloatArray) -> Scores:
        topic_logits = best[2:]
        return Scores(
            risk=_sigmoid(float(best[RISK])),
            crisis=_sigmoid(float(best[CRISIS])),
            topic=TOPICS[int(np.argmax(topic_logits))],
        )
