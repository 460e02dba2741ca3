"""Train the learned crisis classifier on the project's corpus, and cross-validate it.

One job: fit the weights of :class:`bot.safety.classifier.Classifier` and choose
its thresholds, in plain numpy (no training framework to install or keep).

* **Model**: a bag of embeddings over the hashed n-grams of
  :mod:`bot.safety.features` (summed, scaled by 1/sqrt(count)), one rectified
  hidden layer, two sigmoid heads (risk, crisis) and a softmax head for the topic
  of risky texts; dropout on the hidden layer; minibatch Adam (the embedding rows
  updated only where a batch touched them) for a fixed number of epochs from a
  seeded generator, so a run is reproducible for a given corpus.  It replaced a
  linear model over the same features (NBSVM).  The model alone, on one fold of
  five of the corpus (2026-12-08, 42,040 examples), at the same false-alarm
  budgets: crisis recall on single messages 38.2 -> 44.5 %, crisis-or-concern
  70.5 -> 72.0 %; on conversations 44.4 -> 49.2 % and 81.0 -> 82.7 %.  With
  every layer, on the held-out sets: see the closing notes and SAFETY.md.
* **Balance**: each head weighs its positive and negative examples equally, so a
  corpus with more safe lines does not teach the model to say "safe".
* **Thresholds** come from out-of-fold scores on the training corpus
  (:func:`cross_validate`), chosen so that safe lines rarely get a verdict
  (:data:`MAX_FALSE_CRISIS`, :data:`MAX_FALSE_CONCERN`).  The held-out sets are
  never read here.
* The folds and the final fit are trained side by side, one process per core.

``compassion-bot safety train`` runs :func:`train_and_save`; the weights it writes
are committed, so the bot never trains at start.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.safety.classifier import (
    DEFAULT_MODEL_PATH,
    HEADS,
    TOPICS,
    Classifier,
    Network,
    Scores,
    Thresholds,
)
from bot.safety.corpus import CORPUS_DIR, Example, read_corpus, topic_of
from bot.safety.features import DIMENSIONS, window_ids
from bot.safety.layers import Detector
from bot.safety.lexicon import load_lexicons
from bot.safety.normalise import normalise

__all__ = [
    "MAX_FALSE_CONCERN",
    "MAX_FALSE_CONCERN_WINDOW",
    "MAX_FALSE_CRISIS",
    "TrainingSettings",
    "choose_thresholds",
    "cross_validate",
    "cross_validate_detectors",
    "example_window",
    "fit",
    "train_and_save",
]

MAX_FALSE_CRISIS = 0.0075
"""The share of safe single messages the model alone may give the crisis lines, on
out-of-fold scores; the rules' own false crises come on top.  Chosen on the
corpus's cross-validation, never on a held-out set (2026-12-08, every layer, the
42,034 examples of the corpus before part 14 scored, part 14 added to every
fold's training): when the rules stopped reading denials and recovery as crises
(their false crisis 1.24 -> 0.79 % of the corpus's safe lines), the whole
detector's fell 1.7 -> 1.2 %.  At a model budget of 0.5 / 0.75 / 1 %, crisis
recall on single messages was 56.8 / 59.9 / 63.5 % and false crisis 1.2 / 1.5 /
1.7 %: each quarter point buys about 3.5 points of recall.  0.75 % spends half of
what the rules gave back on recall and keeps the rest as fewer false alarms."""
MAX_FALSE_CONCERN = 0.04
"""The share of safe single messages the model may ask "are you safe?" about, on
out-of-fold scores.  The issue allows 5 % on safe lines; the corpus's safe lines
are mostly hard negatives (idioms, media, recovery), so this budget is spent on
them.  At 3 % the model alone caught 54.5 % of risky single messages out of
fold, at 4 % 60.2 %, at 5 % 64.2 % (2026-12-07, 30,785 examples, the linear model before
the hidden layer): a question costs the person one answer, silence may cost
far more."""
MAX_FALSE_CONCERN_WINDOW = 0.03
"""The same budget for the context layer's window of several messages: safe
conversations are long runs of sad but safe talk, and a question after each of
them would be the bot not listening."""
CONCERN_IN_CRISIS_HEAD = 0.3
"""How much a concern line counts as a negative for the crisis head.  Vague
distress ("it all feels too heavy lately") is weak evidence against a crisis; at
full weight it pulled indirect crisis wording, which reads like it, under a
threshold that is set on safe lines alone.  Cross-validated on the corpus
(2026-12-07, 42,040 examples, every layer), at weights 1 / 0.3 / 0: crisis recall
on single messages 54.4 / 55.2 / 54.9 %, on conversations 43.0 / 45.6 / 52.3 %,
false crisis 1.7 % on safe lines at all three, and concern lines given the crisis
lines 5.2 / 6.5 / 15.8 %.  0.3 is the best recall that keeps vague distress met
with the question, not the lines, in nine cases of ten."""
# The lowest a threshold may go, however few safe examples score high.
_FLOOR_CONCERN, _FLOOR_CRISIS = 0.3, 0.5
_CEILING = 1.0 - 1e-7
"""The highest a threshold may go.  The network is sure of itself: out of fold,
the safe lines above the false-crisis budget score above 0.9998, so a ceiling
of 0.99 (the linear model's) let ten times the budget through (2026-12-08)."""

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    """What a training run does; the defaults are what the shipped model used.

    Chosen on one cross-validation fold of the corpus (2026-12-08), never on a
    held-out set; the model alone, crisis recall on single messages / on
    conversations at the same false-alarm budgets: the linear model 38.2 / 44.4 %;
    2^18 buckets x 64 hidden units, 14 epochs 44.5 / 49.2 % (8 epochs 46.2 /
    53.2 % and, another seed, 44.9 / 47.5 %); 32 units 41.6 / 48.1 %; 2^17 buckets
    37.4 / 25.8 %, 2^16 29.5 / 15.3 % (the hashed features collide too often)."""

    hidden: int = 64
    epochs: int = 14
    learning_rate: float = 0.01
    batch_size: int = 512
    dropout: float = 0.2
    folds: int = 5
    seed: int = 13
    workers: int = 0
    """Processes that train folds side by side; 0 means one per core."""


Window = tuple[str, ...]


def example_window(example: Example) -> Window:
    """The normalised messages a model reads for one example (several for a
    conversation, read as one like the context layer does)."""
    return tuple(normalise(m) for m in example.messages)


def _targets(examples: Sequence[Example]) -> tuple[FloatArray, FloatArray]:
    """Targets and per-example weights for every head (weight 0 = not trained)."""
    n = len(examples)
    y = np.zeros((n, HEADS), dtype=np.float32)
    w = np.zeros((n, HEADS), dtype=np.float32)
    for i, ex in enumerate(examples):
        y[i, 0] = ex.label != "safe"
        y[i, 1] = ex.label == "crisis"
        w[i, 0] = w[i, 1] = 1.0
        if ex.label != "safe":
            y[i, 2 + TOPICS.index(topic_of(ex.phenomenon))] = 1.0
            w[i, 2:] = 1.0
    for head in (0, 1):
        positive = y[:, head] == 1
        n_pos, n_neg = int(positive.sum()), int((~positive).sum())
        if n_pos and n_neg:
            w[positive, head] = n / (2 * n_pos)
            w[~positive, head] = n / (2 * n_neg)
    w[[ex.label == "concern" for ex in examples], 1] *= CONCERN_IN_CRISIS_HEAD
    risky = w[:, 2] > 0
    if risky.any():
        w[:, 2:] *= n / (2 * int(risky.sum()))
    return y, w


def fit(examples: Sequence[Example], settings: TrainingSettings = TrainingSettings(),
        windows: Sequence[Window] | None = None) -> Classifier:
    """Train all heads on ``examples``; thresholds are placeholders (0.5) until
    :func:`choose_thresholds` sets them."""
    texts = windows if windows is not None else [example_window(e) for e in examples]
    ids = [window_ids(t) for t in texts]
    y, w = _targets(examples)
    rng = np.random.default_rng(settings.seed)
    net = _Trainable.initial(settings.hidden, rng)
    for _ in range(settings.epochs):
        order = rng.permutation(len(ids))
        for start in range(0, len(order), settings.batch_size):
            batch = order[start : start + settings.batch_size]
            net.step(_Batch.of([ids[i] for i in batch]), y[batch], w[batch],
                     settings, rng)
    return Classifier(net.network(), Thresholds(0.5, 0.5, 0.5, 0.5))


@dataclass(frozen=True, slots=True)
class _Batch:
    """The feature ids of a minibatch, flattened: ``flat[indptr[i]:indptr[i+1]]``
    are row i's, each weighed ``values`` (1/sqrt of its row's count)."""

    flat: IntArray
    indptr: IntArray
    values: FloatArray
    rows: IntArray

    @classmethod
    def of(cls, ids: Sequence[npt.NDArray[np.int32]]) -> _Batch:
        counts = np.array([max(len(i), 1) for i in ids], dtype=np.int64)
        empty = np.zeros(1, dtype=np.int32)  # a text with no features: one dummy id
        flat = np.concatenate([i if len(i) else empty for i in ids]).astype(np.int64)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        values = np.repeat((1.0 / np.sqrt(counts)).astype(np.float32), counts)
        rows = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
        return cls(flat, indptr, values, rows)


class _Trainable:
    """The network's float weights and Adam's moment estimates while training."""

    _BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8

    def __init__(self, params: dict[str, FloatArray]) -> None:
        self.params = params
        self.moments = {name: (np.zeros_like(p), np.zeros_like(p))
                        for name, p in params.items()}
        self.steps = 0

    @classmethod
    def initial(cls, hidden: int, rng: np.random.Generator) -> _Trainable:
        # The embedding starts at zero, so a feature no training text had adds
        # nothing at run time; a small positive hidden bias keeps the rectifiers
        # open (and their gradients flowing) until the embedding has learned.
        return cls({
            "embedding": np.zeros((DIMENSIONS, hidden), dtype=np.float32),
            "hidden_bias": np.full(hidden, 0.1, dtype=np.float32),
            "head_weights": (rng.standard_normal((hidden, HEADS))
                             / np.sqrt(hidden)).astype(np.float32),
            "head_bias": np.zeros(HEADS, dtype=np.float32),
        })

    def network(self) -> Network:
        p = self.params
        return Network.quantised(p["embedding"], p["hidden_bias"], p["head_weights"],
                                 p["head_bias"])

    def step(self, batch: _Batch, y: FloatArray, w: FloatArray,
             settings: TrainingSettings, rng: np.random.Generator) -> None:
        """One minibatch: forward, the gradients of the weighted losses, Adam."""
        p = self.params
        pre = np.add.reduceat(p["embedding"][batch.flat] * batch.values[:, None],
                              batch.indptr[:-1], axis=0) + p["hidden_bias"]
        keep = 1.0 - settings.dropout
        mask = (rng.random(pre.shape) < keep).astype(np.float32) / keep
        hidden = np.maximum(pre, 0.0) * mask
        logits = hidden @ p["head_weights"] + p["head_bias"]
        grad = _loss_gradient(logits, y) * w / len(y)
        grad_hidden = (grad @ p["head_weights"].T) * mask * (pre > 0)
        # Each feature's embedding gradient: its rows' hidden gradients, summed
        # per distinct feature (sorted, then added up run by run).
        contributions = grad_hidden[batch.rows] * batch.values[:, None]
        order = np.argsort(batch.flat, kind="stable")
        ordered = batch.flat[order]
        starts = np.concatenate([[0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1])
        touched = ordered[starts]
        self.steps += 1
        self._adam("embedding", np.add.reduceat(contributions[order], starts, axis=0),
                   settings.learning_rate, touched)
        self._adam("hidden_bias", grad_hidden.sum(axis=0), settings.learning_rate)
        self._adam("head_weights", hidden.T @ grad, settings.learning_rate)
        self._adam("head_bias", grad.sum(axis=0), settings.learning_rate)

    def _adam(self, name: str, grad: FloatArray, rate: float,
              rows: IntArray | None = None) -> None:
        # Lazy Adam for the embedding: only the rows a batch touched move (the
        # rest have no gradient, and decaying their moments every step would cost
        # a pass over 16 million numbers per batch).
        param, (m, v) = self.params[name], self.moments[name]
        where: Any = slice(None) if rows is None else rows
        m[where] = self._BETA1 * m[where] + (1 - self._BETA1) * grad
        v[where] = self._BETA2 * v[where] + (1 - self._BETA2) * grad * grad
        m_hat = m[where] / (1 - self._BETA1**self.steps)
        v_hat = v[where] / (1 - self._BETA2**self.steps)
        param[where] -= rate * m_hat / (np.sqrt(v_hat) + self._EPS)


def _loss_gradient(logits: FloatArray, y: FloatArray) -> FloatArray:
    """d(loss)/d(logits): sigmoid cross-entropy for risk and crisis, softmax
    cross-entropy for the topic."""
    grad = np.empty_like(logits)
    grad[:, :2] = 1.0 / (1.0 + np.exp(-logits[:, :2])) - y[:, :2]
    topic = logits[:, 2:] - logits[:, 2:].max(axis=1, keepdims=True)
    probs = np.exp(topic)
    probs /= probs.sum(axis=1, keepdims=True)
    grad[:, 2:] = probs - y[:, 2:]
    return grad


def folds_of(examples: Sequence[Example], folds: int, seed: int) -> list[int]:
    """A fold number for each example, stratified by label and language, so that
    every fold sees every language."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, ex in enumerate(examples):
        groups.setdefault((ex.label, ex.lang), []).append(i)
    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    fold = [0] * len(examples)
    offset = 0
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = (j + offset) % folds
        offset += len(members)
    return fold


def _fold_models(
    examples: Sequence[Example],
    settings: TrainingSettings,
    progress: Callable[[str], None] | None,
    *,
    with_final: bool = False,
) -> tuple[list[int], list[Classifier], list[Window]]:
    """One model per fold, each trained on the other folds (and, with
    ``with_final``, one more on every example, last in the list), trained side by
    side in worker processes."""
    fold = folds_of(examples, settings.folds, settings.seed)
    texts = [example_window(e) for e in examples]
    jobs = [[i for i in range(len(examples)) if fold[i] != k] for k in range(settings.folds)]
    if with_final:
        jobs.append(list(range(len(examples))))
    workers = min(len(jobs), settings.workers or os.cpu_count() or 1)
    parts = [([examples[i] for i in job], [texts[i] for i in job]) for job in jobs]
    models: list[Classifier] = []
    with ProcessPoolExecutor(max_workers=workers) if workers > 1 else nullcontext() as pool:
        if pool is None:
            results: Iterable[Classifier] = (fit(part, settings, windows)
                                             for part, windows in parts)
        else:
            futures = [pool.submit(fit, part, settings, windows) for part, windows in parts]
            results = (future.result() for future in futures)
        for number, model in enumerate(results, 1):
            models.append(model)
            if progress:
                progress(f"model {number}/{len(jobs)} trained")
    return fold, models, texts


def _out_of_fold(fold: Sequence[int], models: Sequence[Classifier],
                 texts: Sequence[Window]) -> list[Scores]:
    """Each example scored by the model of its fold, which never saw it."""
    return [models[k].score_window(text) for k, text in zip(fold, texts, strict=True)]


def cross_validate(
    examples: Sequence[Example],
    settings: TrainingSettings = TrainingSettings(),
    progress: Callable[[str], None] | None = None,
) -> list[Scores]:
    """Out-of-fold scores: each example scored by a model that never saw it."""
    return _out_of_fold(*_fold_models(examples, settings, progress))


def cross_validate_detectors(
    examples: Sequence[Example],
    settings: TrainingSettings = TrainingSettings(),
    progress: Callable[[str], None] | None = None,
) -> list[Detector]:
    """For each example, the whole layered detector with a model that never saw
    it (thresholds chosen on the out-of-fold scores, as :func:`train_and_save`
    does), so the corpus can be scored like a held-out set."""
    fold, models, texts = _fold_models(examples, settings, progress)
    thresholds = choose_thresholds(examples, _out_of_fold(fold, models, texts))
    lexicon = load_lexicons()
    detectors = [Detector(m.with_thresholds(thresholds), lexicon) for m in models]
    return [detectors[fold[i]] for i in range(len(examples))]


def choose_thresholds(examples: Sequence[Example], scores: Sequence[Scores]) -> Thresholds:
    """The lowest thresholds whose false-verdict rates on the safe examples stay
    within :data:`MAX_FALSE_CRISIS` and :data:`MAX_FALSE_CONCERN` (or
    :data:`MAX_FALSE_CONCERN_WINDOW`): one pair from
    the single messages, for a message read alone, and one from the
    conversations, for the context layer's window (the two score differently:
    with one pair for both, safe conversations got a concern seven times as
    often as safe single messages)."""
    pairs = list(zip(examples, scores, strict=True))
    single = (_pair([s for e, s in pairs if e.label == "safe" and len(e.messages) == 1],
                    MAX_FALSE_CONCERN) or (_FLOOR_CONCERN, _FLOOR_CRISIS))
    window = _pair([s for e, s in pairs if e.label == "safe" and len(e.messages) > 1],
                   MAX_FALSE_CONCERN_WINDOW)
    return Thresholds(*single, *(window or single))


def _pair(safe: list[Scores], concern_rate: float) -> tuple[float, float] | None:
    """(concern, crisis) for one kind of text, from its safe examples' scores."""
    if not safe:
        return None

    def above(values: list[float], rate: float, floor: float) -> float:
        values = sorted(values, reverse=True)
        allowed = int(rate * len(values))
        return max(floor, min(_CEILING, values[allowed] + 1e-9))

    return (above([s.risk for s in safe], concern_rate, _FLOOR_CONCERN),
            above([s.crisis for s in safe], MAX_FALSE_CRISIS, _FLOOR_CRISIS))


def fingerprint(lines: Iterable[str]) -> str:
    """A short fingerprint of a training corpus (one line per example), kept in a
    model's metadata so that a model can be traced to what it learned from."""
    h = hashlib.sha256()
    for line in lines:
        h.update(f"{line}\n".encode())
    return h.hexdigest()[:16]


def corpus_digest(examples: Sequence[Example]) -> str:
    """The fingerprint of the crisis corpus."""
    return fingerprint(f"{ex.label}\t{ex.phenomenon}\t{ex.lang}\t{' || '.join(ex.messages)}"
                       for ex in examples)


def train_and_save(
    out: Path = DEFAULT_MODEL_PATH,
    corpus_dir: Path = CORPUS_DIR,
    settings: TrainingSettings = TrainingSettings(),
    progress: Callable[[str], None] | None = None,
) -> tuple[Classifier, list[Example], list[Scores]]:
    """Cross-validate for the thresholds, fit on the whole corpus, write the model.

    Returns the model, the corpus and its out-of-fold scores (for the report)."""
    examples = read_corpus(corpus_dir)
    if not examples:
        raise ValueError(f"no training examples in {corpus_dir}")
    fold, models, texts = _fold_models(examples, settings, progress, with_final=True)
    model = models.pop()
    oof = _out_of_fold(fold, models, texts)
    thresholds = choose_thresholds(examples, oof)
    final = Classifier(model.network, thresholds, {
        "examples": len(examples),
        "corpus": corpus_digest(examples),
        "hidden": settings.hidden,
        "epochs": settings.epochs,
        "learning_rate": settings.learning_rate,
        "dropout": settings.dropout,
        "dimensions": DIMENSIONS,
    })
    final.save(out)
    return final, examples, oof
