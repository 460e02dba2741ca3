"""The learned layer of the crisis detector: a small network over hashed n-grams.

One job: score normalised text for risk with weights trained by
:mod:`bot.safety.train` on the project's own multilingual corpus.  It is the
second opinion beside the rule tables: rules name the sentences they were written
from; the model generalises to wording no rule names ("i have pills saved up",
"sería más fácil no despertar", "死にたい").

The network is a bag of embeddings (fastText-style) with one hidden layer: each
hashed feature of :mod:`bot.safety.features` has a vector, a text is the scaled
sum of its features' vectors, and a rectified hidden layer feeds three heads:

* ``risk``: the probability that the text needs at least a safety question;
* ``crisis``: the probability that it needs the crisis lines;
* ``topic``: what a risky text is about (suicide, self-harm, abuse, an eating
  disorder, an overdose taken), so the matching resources come first.

The hidden layer is what lets words count together ("tonight" with "end it",
"pills" with "saved up") where a linear model can only add them up.  It replaced
a linear model over the same features; the figures are in :mod:`bot.safety.train`.

A long message is scored whole and sentence by sentence, and its highest score
counts: one sentence of risk at the end of ten about the weather is still seen.

The weights ship in ``data/classifier.npz`` (the embedding in 4 bits with one
scale per row, 8 MB), are loaded once at start and never downloaded.  Thresholds are chosen
by the trainer on cross-validated training data, never on a held-out set, and
ship with them.
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
    "HEADS",
    "TOPICS",
    "Classifier",
    "ModelError",
    "Network",
    "Scores",
    "Thresholds",
]

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "classifier.npz"
TOPICS = ("suicide", "self_harm", "abuse", "eating_disorder", "overdose")
RISK, CRISIS = 0, 1
HEADS = 2 + len(TOPICS)
"""Outputs of the network: risk, crisis, then one per topic."""

FloatArray = npt.NDArray[np.float32]
Int8Array = npt.NDArray[np.int8]
_LEVELS = 7.0
"""The embedding's rounding: integers -7..7 times a scale per row (4 bits)."""


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


@dataclass(frozen=True, slots=True)
class Network:
    """The learned weights.

    The embedding is rounded to 4 bits with one float scale per row: on disk two
    to a byte (8 MB rather than 64 at 2^18 x 64 in float32), in memory one to a
    byte (int8, 16 MB, read without unpacking).  On one cross-validation fold of
    the corpus, the model alone, the rounding moved crisis recall on single
    messages 44.5 -> 44.3 % and on conversations 49.2 -> 47.8 % (8 bits: 44.5 and
    49.5 %), crisis-or-concern not at all; half the file of 8 bits, for that."""

    embedding: Int8Array
    """One vector per hashed feature, ``(DIMENSIONS, hidden)``."""
    row_scale: FloatArray
    """What each embedding row is multiplied by, ``(DIMENSIONS,)``."""
    hidden_bias: FloatArray
    head_weights: FloatArray
    """``(hidden, HEADS)``."""
    head_bias: FloatArray

    @classmethod
    def quantised(cls, embedding: FloatArray, hidden_bias: FloatArray,
                  head_weights: FloatArray, head_bias: FloatArray) -> Network:
        """A network from trained float weights, its embedding rounded to 4 bits."""
        scale = np.abs(embedding).max(axis=1) / _LEVELS
        scale[scale == 0] = 1.0
        rows = np.round(embedding / scale[:, None]).astype(np.int8)
        return cls(rows, scale.astype(np.float32), hidden_bias.astype(np.float32),
                   head_weights.astype(np.float32), head_bias.astype(np.float32))

    @property
    def hidden(self) -> int:
        """The width of the hidden layer."""
        return int(self.hidden_bias.shape[0])

    def check(self) -> None:
        """Raise :class:`ModelError` unless the shapes fit the features and heads."""
        hidden = self.hidden
        if hidden % 2:
            raise ModelError(f"model hidden layer has {hidden} units: the embedding is "
                             "stored two 4-bit levels a byte, so it needs an even number")
        expected = {
            "embedding": (DIMENSIONS, hidden), "row_scale": (DIMENSIONS,),
            "head_weights": (hidden, HEADS), "head_bias": (HEADS,),
        }
        for name, shape in expected.items():
            actual = getattr(self, name).shape
            if actual != shape:
                raise ModelError(f"model {name} has shape {actual}, expected {shape}: "
                                 "retrain with 'compassion-bot safety train'")

    def logits(self, ids: FeatureIds) -> FloatArray:
        """The raw scores of all heads for a set of feature ids."""
        if len(ids):
            rows = self.embedding.take(ids, axis=0).astype(np.float32)
            # the scales as a row vector times the rows: scale and sum in one BLAS call
            pre: FloatArray = (self.row_scale.take(ids) @ rows) * np.float32(
                1.0 / math.sqrt(len(ids))) + self.hidden_bias
        else:
            pre = self.hidden_bias.copy()
        np.maximum(pre, 0.0, out=pre)
        out: FloatArray = pre @ self.head_weights + self.head_bias
        return out


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


_ARRAYS = ("embedding", "row_scale", "hidden_bias", "head_weights", "head_bias")


def _pack(levels: Int8Array) -> npt.NDArray[np.uint8]:
    """Two 4-bit levels (-7..7) to a byte: even columns low, odd columns high."""
    nibbles = levels.astype(np.uint8) & np.uint8(0x0F)
    packed: npt.NDArray[np.uint8] = (nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)).astype(np.uint8)
    return packed


def _unpack(packed: npt.NDArray[np.uint8]) -> Int8Array:
    """The inverse of :func:`_pack`."""
    out = np.empty((packed.shape[0], packed.shape[1] * 2), dtype=np.int8)
    # a nibble n read as signed 4 bits is (n ^ 8) - 8
    out[:, 0::2] = ((packed & 0x0F) ^ 8).astype(np.int8) - 8
    out[:, 1::2] = ((packed >> 4) ^ 8).astype(np.int8) - 8
    return out


class Classifier:
    """The network and the thresholds it was tuned with."""

    def __init__(self, network: Network, thresholds: Thresholds,
                 meta: dict[str, object] | None = None) -> None:
        network.check()
        self.network = network
        self.thresholds = thresholds
        self.meta = dict(meta or {})

    def with_thresholds(self, thresholds: Thresholds) -> Classifier:
        """The same network judged at other thresholds."""
        return Classifier(self.network, thresholds, self.meta)

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> Classifier:
        """Read a model written by :meth:`save`."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in _ARRAYS}
                thresholds = [float(t) for t in data["thresholds"].astype(float)]
                meta = json.loads(str(data["meta"]))
        except KeyError as exc:
            raise ModelError(f"cannot read the crisis classifier {path}: no {exc} in it "
                             "(a model of an older format?): retrain with "
                             "'compassion-bot safety train'") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read the crisis classifier {path}: {exc}") from exc
        if len(thresholds) != 4:
            raise ModelError(f"cannot read the crisis classifier {path}: "
                             f"{len(thresholds)} thresholds, expected 4")
        network = Network(
            embedding=_unpack(arrays["embedding"]),
            **{name: arrays[name].astype(np.float32) for name in _ARRAYS[1:]},
        )
        return cls(network, Thresholds(*thresholds), meta)

    def save(self, path: Path) -> None:
        """Write the model compactly: the embedding packed two levels a byte."""
        path.parent.mkdir(parents=True, exist_ok=True)
        net = self.network
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                embedding=_pack(net.embedding),
                row_scale=net.row_scale.astype(np.float32),
                hidden_bias=net.hidden_bias, head_weights=net.head_weights,
                head_bias=net.head_bias,
                thresholds=np.array([self.thresholds.concern, self.thresholds.crisis,
                                     self.thresholds.window_concern,
                                     self.thresholds.window_crisis]),
                meta=np.array(json.dumps(self.meta, sort_keys=True)),
            )

    def logits(self, normalised: str) -> FloatArray:
        """The raw scores of all heads for one piece of text."""
        return self.network.logits(feature_ids(normalised))

    def logits_of(self, ids: FeatureIds) -> FloatArray:
        """The raw scores of all heads for a set of feature ids."""
        return self.network.logits(ids)

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
