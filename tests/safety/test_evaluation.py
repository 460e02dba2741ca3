"""The labelled sets, the evaluation harness and the ``safety`` CLI."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.safety import Detector, cli
from bot.safety.corpus import read_corpus, read_examples
from bot.safety.evaluation import (
    classify_lines,
    evaluate,
    format_report,
    read_heldout,
    verdicts,
)
from bot.safety.layers import default_detector
from bot.types import Assessment

LANGUAGES = {"en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr", "ru", "id", "hi", "hi-latn",
             "ja", "ar"}
PHENOMENA = {
    "direct", "passive_wish", "burden", "plan_means", "timing", "act_taken", "self_harm",
    "farewell", "hopelessness_intent", "third_person", "danger_from_others", "child_abuse",
    "eating_disorder", "overdose_taken", "slang", "typos", "obfuscation", "long_message",
    "idiom", "media_games", "work_medical", "cooking", "grief_sadness", "recovery",
    "self_compassion", "negated",
}


def test_training_corpus_covers_every_language_and_phenomenon() -> None:
    corpus = read_corpus()
    assert len(corpus) >= 5000
    by_lang = Counter(e.lang for e in corpus)
    assert set(by_lang) >= LANGUAGES
    for lang in LANGUAGES:
        langs = [e for e in corpus if e.lang == lang]
        assert sum(e.risky for e in langs) >= 80, lang
        assert sum(not e.risky for e in langs) >= 80, lang
    assert {e.phenomenon for e in corpus} >= PHENOMENA
    assert sum(len(e.messages) > 1 for e in corpus) >= 150, "conversations for context"


def test_heldout_set_is_large_frozen_and_apart_from_training() -> None:
    heldout = read_heldout()
    singles = [e for e in heldout if len(e.messages) == 1]
    assert len(singles) >= 600
    assert {e.lang for e in singles} >= LANGUAGES
    assert {e.phenomenon for e in singles} >= PHENOMENA - {"obfuscation"}
    assert sum(len(e.messages) > 1 for e in heldout) >= 60
    trained = {m.casefold().strip() for e in read_corpus() for m in e.messages}
    shared = [e.source for e in heldout if any(m.casefold().strip() in trained
                                                for m in e.messages)]
    assert not shared, f"held-out lines also in training: {shared[:5]}"


def _fake(levels: dict[str, str]) -> Detector:
    class Fake(Detector):
        def assess(self, text: str, context: Sequence[str] = ()) -> Assessment:
            return Assessment(level=levels.get(text, "none"))  # type: ignore[arg-type]
    return Fake(None)


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "set.tsv"
    path.write_text("label\tphenomenon\tlang\ttext\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_evaluate_counts_recall_and_false_alarms_by_group(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        "crisis\tdirect\ten\tA", "crisis\tdirect\ten\tB", "crisis\tdirect\tes\tC",
        "concern\thopelessness_intent\ten\tD", "safe\tidiom\ten\tE", "safe\tidiom\tes\tF",
    ])
    detector = _fake({"A": "crisis", "B": "concern", "D": "concern", "F": "concern"})
    report = evaluate(read_examples(path), detector.assess)
    assert report.overall.recall_crisis == pytest.approx(1 / 3)
    assert report.overall.recall_any == pytest.approx(3 / 4)
    assert report.overall.false_concern == pytest.approx(1 / 2)
    assert report.overall.false_crisis == 0
    assert report.english.recall_any == 1.0
    assert report.by_language["es"].recall_any == 0
    assert report.by_phenomenon["direct"].recall_crisis == pytest.approx(1 / 3)
    assert not report.meets_targets()
    assert {m.source.split(":")[1] for m in report.misses} == {"3", "4", "7"}


def test_a_conversation_is_played_with_context_like_the_bot(tmp_path: Path) -> None:
    path = tmp_path / "conv.tsv"
    path.write_text("label\tphenomenon\tlang\tmessages\n"
                    "crisis\tcontext_risk\ten\tfirst || second || third\n", encoding="utf-8")
    seen: list[tuple[str, tuple[str, ...]]] = []

    class Recording(Detector):
        def assess(self, text: str, context: Sequence[str] = ()) -> Assessment:
            seen.append((text, tuple(context)))
            return Assessment(level="concern" if text == "third" else "none")

    example = read_examples(path)[0]
    assert verdicts(example, Recording(None).assess) == ["none", "none", "concern"]
    assert seen == [("first", ()), ("second", ("first",)), ("third", ("first", "second"))]


def test_report_names_lines_not_texts_unless_asked(tmp_path: Path) -> None:
    path = _write(tmp_path, ["crisis\tdirect\ten\tsecret words here"])
    report = evaluate(read_examples(path), _fake({}).assess)
    assert "secret words" not in format_report(report, title="t")
    assert "set.tsv:2" in format_report(report, title="t")
    assert "secret words" in format_report(report, title="t", show_text=True)
    assert "text" not in json.dumps(report.as_dict()["misses"])


def test_malformed_line_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ["crisis\tdirect\ten\tfine", "crisis\tdirect"])
    with pytest.raises(ValueError, match=r"set.tsv:3: expected 4"):
        read_examples(path)
    path = _write(tmp_path, ["maybe\tdirect\ten\ttext"])
    with pytest.raises(ValueError, match=r"set.tsv:2: unknown label"):
        read_examples(path)


def test_classify_lines_gives_one_json_object_per_line() -> None:
    out = [json.loads(line) for line in
           classify_lines(["I want to kill myself tonight\n", "pass the salt\n"],
                          default_detector().assess)]
    assert out[0]["risk"] == "crisis" and out[0]["reasons"]
    assert out[1] == {"risk": "none", "reasons": [], "topic": None}


def test_cli_eval_exit_code_follows_the_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, ["crisis\tdirect\ten\tI am going to kill myself tonight",
                             "safe\tidiom\ten\tthis traffic is killing me"])
    assert cli.main(["eval", str(good)]) == 0
    assert "targets" in capsys.readouterr().out
    bad = tmp_path / "bad.tsv"
    bad.write_text("label\tphenomenon\tlang\ttext\nsafe\tidiom\ten\tI want to die tonight\n",
                   encoding="utf-8")
    assert cli.main(["eval", str(bad), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["false_crisis"] == 1.0
    assert "text" not in data["misses"][0]


def test_cli_classify_reads_stdin(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("I am proud of myself today\nsuicide\n"))
    assert cli.main(["classify"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["risk"] == "none"
    assert lines[1]["risk"] != "none"


def test_cli_missing_file_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["eval", "/nonexistent/set.tsv"]) == 2
    assert "nonexistent" in capsys.readouterr().err


def test_cli_requires_a_subcommand() -> None:
    with pytest.raises(SystemExit):
        cli.main([])
