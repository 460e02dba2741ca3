"""The evaluation harness, the CLI, and the targets on the shipped set."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.safety import cli
from bot.safety.evaluation import (
    DEFAULT_EVAL_PATH,
    FPR_TARGET,
    RECALL_TARGET,
    classify_lines,
    evaluate,
    format_report,
    read_labelled,
)


def test_shipped_set_is_large_and_labelled() -> None:
    items = read_labelled(DEFAULT_EVAL_PATH)
    assert len(items) >= 300
    labels = {item.label for item in items}
    assert labels == {"crisis", "concern", "none"}
    categories = {item.category for item in items}
    for needed in (
        "idiom", "media", "study", "accident", "self_criticism", "negation",
        "everyday_distress", "past_recovery", "passive_wish", "burden", "plan", "means",
        "act_taken", "self_harm", "farewell", "slang", "typo", "third_party", "danger",
        "spanish", "french", "german", "portuguese",
    ):
        assert needed in categories, needed
    texts = [item.text for item in items]
    assert len(texts) == len(set(texts)), "duplicate lines in the eval set"


def test_detector_meets_targets_on_shipped_set() -> None:
    report = evaluate()
    assert report.recall >= RECALL_TARGET, format_report(report)
    assert report.fpr <= FPR_TARGET, format_report(report)
    assert report.meets_targets


def test_classify_lines_gives_one_json_object_per_line() -> None:
    out = list(classify_lines(["I want to die\n", "lovely weather today\n", ""]))
    assert len(out) == 3
    first, second, third = (json.loads(line) for line in out)
    assert first["risk"] == "crisis"
    assert "ideation" in first["reasons"]
    assert second == {"risk": "none", "reasons": []}
    assert third == {"risk": "none", "reasons": []}


def test_report_names_lines_not_texts_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text(
        "label\tcategory\ttext\n"
        "# a comment\n"
        "crisis\tplain\tI want to die\n"
        "none\tplain\tthis traffic is killing me\n"
        "none\ttrap\tI want to kill myself\n",
        encoding="utf-8",
    )
    report = evaluate(path)
    assert (report.crisis_total, report.crisis_caught) == (1, 1)
    assert (report.other_total, report.false_positives) == (2, 1)
    assert report.misses[0].lineno == 5
    quiet = format_report(report)
    assert "line    5" in quiet
    assert "kill myself" not in quiet
    assert "I want to kill myself" in format_report(report, show_text=True)
    assert not report.meets_targets


def test_malformed_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("crisis\tonly two columns\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        read_labelled(path)
    path.write_text("maybe\tcat\ttext\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown label"):
        read_labelled(path)


def test_cli_eval_passes_on_shipped_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["eval"]) == 0
    out = capsys.readouterr().out
    assert "crisis recall" in out
    assert "false-positive rate" in out


def test_cli_eval_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["eval", str(DEFAULT_EVAL_PATH), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meets_targets"] is True
    assert all("text" not in miss for miss in data["misses"])


def test_cli_eval_fails_below_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("crisis\tx\tthe weather is lovely\n", encoding="utf-8")
    assert cli.main(["eval", str(path)]) == 1
    capsys.readouterr()


def test_cli_classify_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("kms\nhello\n"))
    assert cli.main(["classify"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["risk"] for row in rows] == ["crisis", "none"]


def test_cli_classify_reads_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.txt"
    path.write_text("I took the whole bottle\n", encoding="utf-8")
    assert cli.main(["classify", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["risk"] == "crisis"


def test_cli_missing_file_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["eval", "/nonexistent/set.tsv"]) == 2
    assert "compassion-bot safety" in capsys.readouterr().err


def test_cli_requires_a_subcommand() -> None:
    with pytest.raises(SystemExit):
        cli.main([])
