"""Dialogue validation: each named rule catches its mistake, and every problem names
the file, the dialogue and the step; ``compassion-bot dialogues check`` reports them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import build_engine, message_limits
from bot.cli import main
from bot.config import Settings
from bot.dialogue.loader import DialogueError, check_dialogues, load_dialogues
from bot.route_cues import (
    ROUTING_FILE,
    RoutingError,
    check_route_cues,
    load_route_cues,
    shipped_route_cues,
)
from bot.route_model import load_route_model

MINI = Path(__file__).parent / "fixtures" / "mini"

BELIEF_START = """id: belief
title: Mini belief
command: talk
inputs: [what_happened]
start: feeling
steps:
"""


def dialogues_with(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "dialogues"
    shutil.copytree(MINI, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


CASES = {
    "targets_exist": (
        "  feeling: {kind: say, say: 'Hi', next: nowhere}\n", "feeling", "unknown step 'nowhere'"
    ),
    "reachable": (
        "  feeling: {kind: end, say: 'Hi'}\n  island: {kind: end, say: 'Alone'}\n",
        "island", "no path from the start",
    ),
    "paths_end": (
        "  feeling: {kind: say, say: 'Round', next: again}\n"
        "  again: {kind: say, say: 'And round', next: feeling}\n",
        "feeling", "no path from this step reaches an end",
    ),
    "vars_saved_before_use": (
        "  feeling: {kind: say, say: 'You said {story|it}', next: done}\n"
        "  done: {kind: end}\n",
        "feeling", "uses 'story' before every path has saved it",
    ),
    "text_limits": (
        "  feeling: {kind: say, say: '" + "x" * 2100 + "', next: done}\n  done: {kind: end}\n",
        "feeling", "the limit is 2000",
    ),
    "skippable": (
        "  feeling:\n    kind: ask_choice\n    say: 'Pick'\n"
        "    choices: [{id: a, label: A, next: done}]\n  done: {kind: end}\n",
        "feeling", "'skip' is always accepted",
    ),
    "schema": (
        "  feeling: {kind: shout, say: 'Hi', next: done}\n  done: {kind: end}\n",
        "feeling", "steps.feeling",
    ),
    "conditions": (
        "  feeling:\n    kind: branch\n    cases: [{when: {var: what_happened}, next: done}]\n"
        "    default: done\n  done: {kind: end}\n",
        "feeling", "exactly one test",
    ),
    "known_parsers": (
        "  feeling: {kind: ask_text, say: 'When?', save: when, parse: sundial, next: done}\n"
        "  done: {kind: end}\n",
        "feeling", "no parser named 'sundial'",
    ),
}


@pytest.mark.parametrize("rule", list(CASES))
def test_each_rule_names_file_dialogue_and_step(tmp_path: Path, rule: str) -> None:
    steps, step, words = CASES[rule]
    folder = dialogues_with(tmp_path, "belief.yaml", BELIEF_START + steps)
    # Texts and buttons are held to the registered platforms' limits (Discord's 2,000).
    problems = [p for p in check_dialogues([folder], limits=message_limits()) if p.rule == rule]
    assert problems, f"rule {rule} did not fire"
    problem = problems[0]
    assert (problem.file, problem.dialogue, problem.step) == ("belief.yaml", "belief", step)
    assert words in problem.message
    assert str(problem).startswith(f"belief.yaml: dialogue 'belief', step '{step}': [{rule}]")


def test_a_duplicate_key_in_yaml_is_an_error_not_a_silent_overwrite(tmp_path: Path) -> None:
    steps = "  feeling: {kind: end}\n  feeling: {kind: end, say: 'again'}\n"
    folder = dialogues_with(tmp_path, "belief.yaml", BELIEF_START + steps)
    [problem] = [p for p in check_dialogues([folder]) if p.rule == "yaml"]
    assert "duplicate key 'feeling'" in problem.message
    assert problem.file == "belief.yaml"


def test_a_group_dialogue_may_not_quote_anyone(tmp_path: Path) -> None:
    text = (MINI / "group_private.yaml").read_text().replace("LETS-TALK-PRIVATELY",
                                                          "You said {message|something}")
    folder = dialogues_with(tmp_path, "group_private.yaml", text)
    assert any(p.rule == "groups_never_quote" and p.step == "offer"
               for p in check_dialogues([folder]))


def test_a_journal_step_keeps_answers_of_some_paths_but_never_an_unknown_name(
    tmp_path: Path,
) -> None:
    # `why` is asked on one branch only: the journal keeps it when it was given.
    steps = (
        "  feeling:\n    kind: ask_choice\n    say: 'Pick'\n    skip: keep\n"
        "    choices: [{id: a, label: A, next: why}, {id: b, label: B, next: keep}]\n"
        "  why: {kind: ask_text, say: 'Why?', save: why, next: keep}\n"
        "  keep: {kind: journal, entry: exercise, fields: [why, whose], next: done}\n"
        "  done: {kind: end}\n"
    )
    folder = dialogues_with(tmp_path, "belief.yaml", BELIEF_START + steps)
    problems = [p for p in check_dialogues([folder]) if p.step == "keep"]
    assert [p.message for p in problems] == ["keeps 'whose', which nothing saves"]


def test_words_heard_apart_from_a_parsed_answer_need_a_parser_and_a_step(
    tmp_path: Path,
) -> None:
    steps = (
        "  feeling:\n    kind: ask_text\n    say: 'Where?'\n    save: where\n"
        "    unparsed: {save: words, next: heard}\n    next: done\n"
        "  heard: {kind: say, say: 'Heard {words|you}', next: done}\n"
        "  done: {kind: end}\n"
    )
    folder = dialogues_with(tmp_path, "belief.yaml", BELIEF_START + steps)
    problems = [p for p in check_dialogues([folder]) if p.step == "feeling"]
    assert [p.message for p in problems] == [
        "'unparsed' needs a 'parse': without one every answer is read"]
    # With a parser, the step the words go to must exist.
    missing = steps.replace("    save: where\n", "    save: where\n    parse: country\n")
    missing = missing.replace("next: heard}", "next: nowhere}")
    folder = dialogues_with(tmp_path / "again", "belief.yaml", BELIEF_START + missing)
    assert [p.message for p in check_dialogues([folder]) if p.step == "feeling"] == [
        "goes to unknown step 'nowhere'"]


def test_a_goto_into_a_missing_step_is_caught(tmp_path: Path) -> None:
    text = (MINI / "onboarding.yaml").read_text().replace(
        "to_menu: {kind: goto, dialogue: menu}", "to_menu: {kind: goto, dialogue: menu, step: x}")
    folder = dialogues_with(tmp_path, "onboarding.yaml", text)
    assert any(p.step == "to_menu" and "unknown step 'x'" in p.message
               for p in check_dialogues([folder]))


def test_the_engine_refuses_to_start_on_invalid_dialogues(tmp_path: Path) -> None:
    folder = dialogues_with(tmp_path, "belief.yaml", BELIEF_START + "  feeling: {kind: say}\n")
    with pytest.raises(DialogueError, match=r"belief\.yaml"):
        load_dialogues([folder])


def test_missing_required_dialogues_and_lines_are_reported(tmp_path: Path) -> None:
    folder = dialogues_with(tmp_path, "crisis.yaml", "")
    (folder / "crisis.yaml").unlink()
    problems = check_dialogues([folder])
    assert any(p.rule == "required" and p.dialogue == "crisis" for p in problems)


def test_dialogues_check_exits_zero_when_valid_and_names_each_problem_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dialogues", "check", str(MINI)]) == 0
    assert "valid" in capsys.readouterr().out
    folder = dialogues_with(tmp_path, "belief.yaml",
                            BELIEF_START + "  feeling: {kind: say, say: 'Hi', next: nowhere}\n")
    assert main(["dialogues", "check", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("belief.yaml: dialogue 'belief', step 'feeling'") for line in out)


def test_the_shipped_dialogues_are_valid() -> None:
    assert main(["dialogues", "check"]) == 0


def test_the_crisis_flow_must_declare_its_safety_policy(tmp_path: Path) -> None:
    # A crisis dialogue that could be put aside, or restarted by the learned layers
    # from inside itself, is refused at load, naming the file and the policy.
    text = (MINI / "crisis.yaml").read_text().replace("resumable: false\n", "")
    text = text.replace("safety: true\n", "")
    folder = dialogues_with(tmp_path, "crisis.yaml", text)
    found = [p for p in check_dialogues([folder]) if p.rule == "required"]
    assert {p.message for p in found} == {
        "must be safety (the engine relies on it)",
        "must be not resumable (the engine relies on it)",
    }
    assert all(p.file == "crisis.yaml" and p.dialogue == "crisis" for p in found)


# --- the routing file (dialogues/library/routing.yaml) ------------------------------

SHIPPED = Path(__file__).resolve().parent.parent / "dialogues"
ROUTING = """greetings: [hi, hello]
routes:
  breathing: {cant sleep: 5, anxious: 4}
  belief: {worthless: 5}
negated_to: {breathing: belief}
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("anxious: 4", "an*: 4",
         "routing.yaml: route 'breathing': cue 'an*': a stem needs at least 3 letters"),
        ("anxious: 4", "anxious: lots",
         "routing.yaml: route 'breathing': cue 'anxious': the weight must be a number"),
        ("anxious: 4", "anxious: 0", "route 'breathing': cue 'anxious': the weight must be"),
        ("anxious: 4", "~ anxious: 4", "route 'breathing': cue '~ anxious': needs words"),
        ("anxious: 4", "anxious: 4, anxious: 3", "duplicate key 'anxious' (line 3)"),
        ("hello]", "Hello!]", "routing.yaml: greeting 'Hello!': write it as 'hello'"),
        ("{breathing: belief}", "{breathing: sleep}",
         "routing.yaml: negated_to 'breathing': 'sleep': both must be routes"),
        ("routes:", "route:", "routing.yaml: unknown section 'route'"),
    ],
)
def test_a_malformed_routing_file_names_file_route_and_cue(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(ROUTING.replace(old, new), encoding="utf-8")
    with pytest.raises(RoutingError) as caught:
        load_route_cues(path)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_a_broken_routing_file_stops_the_start_and_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dialogues"
    shutil.copytree(SHIPPED, folder)
    routing = folder / ROUTING_FILE
    routing.write_text(routing.read_text(encoding="utf-8").replace("insomnia: 5", "insomnia: x"),
                       encoding="utf-8")
    with pytest.raises(RoutingError, match="route 'breathing': cue 'insomnia'"):
        build_engine(Settings(dialogues_dir=folder))
    assert main(["dialogues", "check", str(folder)]) == 1
    assert "routing.yaml: route 'breathing': cue 'insomnia'" in capsys.readouterr().out


def test_the_check_names_a_route_no_dialogue_answers(tmp_path: Path) -> None:
    folder = tmp_path / "dialogues"
    shutil.copytree(SHIPPED, folder)
    (folder / "reset.yaml").unlink()
    assert any(p.startswith("routing.yaml: route 'reset': no dialogue 'reset'")
               for p in check_route_cues([folder]))


def test_the_shipped_routing_file_keeps_the_models_inputs() -> None:
    # The learned model takes each route's cue total in the file's order: a route
    # added, renamed or moved needs `compassion-bot router train`.
    assert check_route_cues([SHIPPED]) == []
    assert tuple(shipped_route_cues().cues) == load_route_model().cue_routes
