"""``compassion-bot dialogues graph NAME``: a Mermaid flowchart of one dialogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.config import default_dialogues_dir
from bot.dialogue.graph import escape, mermaid
from bot.dialogue.loader import load_dialogues
from bot.dialogue.spec import Dialogue
from bot.dialogue.validation import successors

DIALOGUES = load_dialogues([default_dialogues_dir()])
# One of each kind that leads somewhere, and wordings full of Mermaid's own characters.
EVERY_KIND = Dialogue.model_validate(yaml.safe_load(r'''
id: sample
title: Sample "quoted" <title>
inputs: [message]
start: ask
steps:
  ask:
    kind: ask_choice
    say: 'Pick one | or "type" <b>#1</b> {message|it}'
    choices:
      - {id: sure, label: 'Yes "really"', next: pause}
      - {id: nope, label: "No", next: check}
    other: {label: "Something else", say: "Tell me", next: check}
    skip: end
  pause: {kind: pause, seconds: 30, say: "Breathe", next: words}
  words: {kind: ask_text, say: "Words?", save: words, next: scale, skip: scale}
  scale: {kind: ask_scale, say: "How much?", save: level, next: check, skip: end}
  check:
    kind: branch
    cases:
      - {when: {var: level, at_least: 7}, next: launch}
      - {when: {var: words, contains_word: [always, never]}, next: remind}
      - {when: {var: message, is_set: true}, next: call}
    default: end
  launch:
    kind: launch
    say: "Which?"
    items: [{label: "Breathe | slowly", dialogue: breathing}]
    next: end
  remind: {kind: remind, after_hours: 24, dialogue: checkin, next: leave}
  call: {kind: goto, dialogue: help, call: true, next: end}
  leave: {kind: goto, dialogue: belief, step: story}
  end: {kind: end, say: "Bye"}
'''))
QUOTED = re.compile(r'"([^"]*)"')


def edge_lines(text: str) -> list[tuple[str, str, str]]:
    """``(source, label, target)`` of every edge line."""
    found = []
    for line in text.splitlines():
        match = re.fullmatch(r'\s*(\S+) (?:-->|-\.->)(?:\|"([^"]*)"\|)? (\S+)', line)
        if match:
            found.append((match.group(1), match.group(2) or "", match.group(3)))
    return found


def test_output_is_a_top_down_flowchart_from_the_start_step() -> None:
    text = mermaid(DIALOGUES["belief"])
    assert text.startswith("flowchart TD\n")
    assert f"start_node((\"start\")) --> s_{DIALOGUES['belief'].start}" in text


def test_every_step_of_belief_is_a_node_with_its_kind() -> None:
    dialogue = DIALOGUES["belief"]
    text = mermaid(dialogue)
    for step_id, step in dialogue.steps.items():
        assert re.search(rf"^    s_{step_id}\W.*{step_id} · {step.kind}", text, re.M), step_id


@pytest.mark.parametrize("name", sorted(DIALOGUES.dialogues))
def test_every_edge_the_validator_knows_is_drawn(name: str) -> None:
    dialogue = DIALOGUES[name]
    drawn = {(source, target) for source, _, target in edge_lines(mermaid(dialogue))}
    for step_id, step in dialogue.steps.items():
        for target in successors(step):
            assert (f"s_{step_id}", f"s_{target}") in drawn, (step_id, target)


def test_choices_skip_and_other_label_their_edges() -> None:
    edges = edge_lines(mermaid(EVERY_KIND))
    assert ("s_ask", "Yes #quot;really#quot;", "s_pause") in edges
    assert ("s_ask", "No / other: Something else", "s_check") in edges
    assert ("s_ask", "skip", "s_end") in edges
    assert ("s_words", "answer / skip", "s_scale") in edges
    assert ("s_scale", "0-10", "s_check") in edges
    assert ("s_pause", "after 30s", "s_words") in edges


def test_branch_conditions_label_their_edges() -> None:
    edges = edge_lines(mermaid(EVERY_KIND))
    assert ("s_check", "level #gt;= 7", "s_launch") in edges
    assert ("s_check", "words has always/never", "s_remind") in edges
    assert ("s_check", "message is set", "s_call") in edges
    assert ("s_check", "otherwise", "s_end") in edges


def test_other_dialogues_are_their_own_nodes_reached_by_dotted_edges() -> None:
    text = mermaid(EVERY_KIND)
    for other in ("help", "belief", "breathing", "checkin"):
        assert f'd_{other}[["{other} (dialogue)"]]' in text
    assert '    s_leave -.->|"goto belief.story"| d_belief' in text
    assert '    s_call -.->|"call help"| d_help' in text
    assert '    s_call -->|"returns"| s_end' in text
    assert '    s_launch -.->|"button: Breathe #124; slowly"| d_breathing' in text
    assert '    s_remind -.->|"in 24h"| d_checkin' in text


def test_wordings_are_shortened_and_escaped() -> None:
    text = mermaid(EVERY_KIND)
    assert "s_ask(\"ask · ask_choice<br/>Pick one #124; or #quot;type#quot; #lt;b#gt;#35;1" in text
    for line in text.splitlines()[2:]:
        for label in QUOTED.findall(line):
            assert not set(label) & set('"|`'), line
            assert "<" not in label.replace("<br/>", ""), line


@given(st.text())
def test_escaped_text_has_no_mermaid_syntax_and_reads_back(text: str) -> None:
    escaped = escape(text)
    assert not set(escaped) & set('"<>|`')
    unescaped = escaped
    for plain, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"),
                        ("`", "#96;"), ("#", "#35;")):
        unescaped = unescaped.replace(code, plain)
    assert unescaped == text


def test_the_command_prints_the_graph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dialogues", "graph", "menu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD")
    assert "s_choose" in out


def test_an_unknown_name_names_close_matches_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["dialogues", "graph", "belif"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no dialogue 'belif'" in captured.err and "did you mean: belief" in captured.err


def test_a_name_like_nothing_lists_the_dialogues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mini = Path(__file__).parent / "fixtures" / "mini"
    assert main(["dialogues", "graph", "zzzz", "--dir", str(mini)]) == 2
    assert "known dialogues: belief, concern" in capsys.readouterr().err


def test_a_broken_file_of_that_name_shows_its_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    assert main(["dialogues", "graph", "broken", "--dir", str(tmp_path)]) == 2
    assert "broken.yaml" in capsys.readouterr().err
