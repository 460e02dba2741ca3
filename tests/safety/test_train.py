"""The crisis classifier's trainer: it learns what a corpus teaches, the same way
every time, and its worker processes train exactly what one process would."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.safety.classifier import Scores
from bot.safety.corpus import Example, Label
from bot.safety.normalise import normalise
from bot.safety.train import (
    MAX_FALSE_CRISIS,
    TrainingSettings,
    _fold_models,
    choose_thresholds,
    fit,
)

QUICK = TrainingSettings(epochs=12, batch_size=16, folds=2, workers=1)


def _corpus() -> list[Example]:
    def example(label: Label, text: str) -> Example:
        return Example(label, "direct", "en", (text,), "test")

    crisis = [f"i am going to {verb} myself {when}"
              for verb in ("kill", "end", "hurt")
              for when in ("tonight", "today", "this weekend", "soon")]
    safe = [f"i am going to {verb} {what} {when}"
            for verb in ("cook", "visit", "call")
            for what in ("dinner", "my mum", "a friend")
            for when in ("tonight", "today")]
    return [example("crisis", t) for t in crisis] + [example("safe", t) for t in safe]


def test_the_trained_model_tells_the_corpus_classes_apart_on_wording_it_never_saw() -> None:
    model = fit(_corpus(), QUICK)
    unseen_crisis = model.score(normalise("going to kill myself on friday"))
    unseen_safe = model.score(normalise("going to cook dinner on friday"))
    assert unseen_crisis.crisis > 0.5 > unseen_safe.crisis
    assert unseen_crisis.risk > unseen_safe.risk


def test_training_is_reproducible_and_workers_train_what_one_process_would() -> None:
    corpus = _corpus()
    one = fit(corpus, QUICK)
    again = fit(corpus, QUICK)
    assert np.array_equal(one.network.embedding, again.network.embedding)
    _, alone, _ = _fold_models(corpus, QUICK, None, with_final=True)
    _, side_by_side, _ = _fold_models(corpus, replace(QUICK, workers=2), None,
                                      with_final=True)
    assert len(alone) == len(side_by_side) == 3
    for a, b in zip(alone, side_by_side, strict=True):
        assert np.array_equal(a.network.embedding, b.network.embedding)
        assert np.array_equal(a.network.head_weights, b.network.head_weights)
    assert np.array_equal(alone[-1].network.embedding, one.network.embedding)


def test_a_sure_model_gets_thresholds_above_its_safe_lines_however_close_to_one() -> None:
    """The network scores many safe lines above 0.99: a threshold capped there (as
    it was for the linear model) let ten times the false-crisis budget through."""
    examples = [Example("safe", "x", "en", (f"m{i}",), "test") for i in range(1000)]
    scores = [Scores(risk=1 - 1e-3 * (i + 1) / 1000, crisis=1 - 1e-4 * (i + 1) / 1000,
                     topic="suicide") for i in range(1000)]
    chosen = choose_thresholds(examples, scores)
    over = sum(s.crisis >= chosen.crisis for s in scores)
    assert chosen.crisis > 0.9999
    assert over <= MAX_FALSE_CRISIS * len(scores)
