"""Draw one dialogue as a Mermaid flowchart: ``compassion-bot dialogues graph NAME``.

One job: turn a :class:`~bot.dialogue.spec.Dialogue` into ``flowchart TD`` text
an author can paste into any Mermaid viewer (GitHub renders it in Markdown) to
see every step and every way between them.  Each step is a node labelled with
its id, its kind and the start of its first wording; each edge says why it is
taken (a button, a branch condition, skip, "something else").  Another dialogue
reached by a goto, a call, a launcher button or a timer is a node of its own
shape, so leaving the dialogue stands out.

The edges come from :func:`bot.dialogue.validation.successors` plus the labels
only this module needs; a test checks that every successor edge is drawn.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.dialogue.loader import dialogue_files, parse_file
from bot.dialogue.spec import (
    AskChoiceStep,
    AskScaleStep,
    AskTextStep,
    BranchStep,
    Condition,
    Dialogue,
    EndStep,
    FollowUpStep,
    GotoStep,
    LaunchStep,
    PauseStep,
    RemindStep,
    Step,
)
from bot.dialogue.validation import successors, texts_of
from bot.text import shorten

__all__ = ["Edge", "edges", "main", "mermaid"]

# Long enough to recognise a line, short enough to keep nodes narrow.
WORDING_CHARS = 48
LABEL_CHARS = 40
START_NODE = "start_node"

# Mermaid reads these inside quoted labels; each becomes an entity code.  "#"
# comes first, as every replacement starts with it.
_ESCAPES = (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"),
            ("`", "#96;"))

Edge = tuple[str, str, str, bool]
"""``(from node, to node, label, leaves the dialogue)``."""


def escape(text: str) -> str:
    """``text`` made safe inside a double-quoted Mermaid label."""
    for plain, code in _ESCAPES:
        text = text.replace(plain, code)
    return text


def step_node(step_id: str) -> str:
    # Prefixed: a bare "end" is a Mermaid keyword, and step ids may collide
    # with dialogue ids.
    return f"s_{step_id}"


def dialogue_node(dialogue_id: str) -> str:
    return f"d_{dialogue_id}"


def mermaid(dialogue: Dialogue) -> str:
    """The flowchart of ``dialogue`` as Mermaid text (starts with ``flowchart TD``)."""
    lines = ["flowchart TD", f"    %% {escape(dialogue.id)}: {escape(dialogue.title)}"]
    if dialogue.start is not None:
        lines.append(f'    {START_NODE}(("start")) --> {step_node(dialogue.start)}')
    for step_id, step in dialogue.steps.items():
        lines.append(f"    {step_node(step_id)}{_shape(step, _label(step_id, step))}")
    others = sorted({to for _, to, _, leaves in edges(dialogue) if leaves})
    for node in others:
        name = node.removeprefix("d_")
        lines.append(f'    {node}[["{escape(name)} (dialogue)"]]')
    for source, target, label, leaves in edges(dialogue):
        arrow = "-.->" if leaves else "-->"
        text = f'|"{escape(shorten(label, LABEL_CHARS))}"|' if label else ""
        lines.append(f"    {source} {arrow}{text} {target}")
    return "\n".join(lines) + "\n"


def edges(dialogue: Dialogue) -> list[Edge]:
    """Every edge, labels of the same two ends joined ("answer / skip")."""
    merged: dict[tuple[str, str, bool], list[str]] = {}
    for step_id, step in dialogue.steps.items():
        for target, label, leaves in _step_edges(step):
            source = step_node(step_id)
            node = dialogue_node(target) if leaves else step_node(target)
            labels = merged.setdefault((source, node, leaves), [])
            if label not in labels:
                labels.append(label)
    return [(source, target, " / ".join(filter(None, labels)), leaves)
            for (source, target, leaves), labels in merged.items()]


def _step_edges(step: Step) -> Iterator[tuple[str, str, bool]]:
    """``(target, label, leaves the dialogue)`` for one step, every successor included."""
    labelled: list[tuple[str, str]] = []
    match step:
        case AskChoiceStep():
            labelled += [(o.next or step.next or "", o.label) for o in step.choices]
            if step.other is not None:
                labelled.append((step.other.next or step.next or "", f"other: {step.other.label}"))
                if step.other.typed is not None:
                    labelled.append((step.other.typed, "typed without the button"))
            if step.skip is not None:
                labelled.append((step.skip, "skip"))
        case AskTextStep():
            labelled.append((step.next, "answer"))
            if step.unparsed is not None:
                labelled.append((step.unparsed.next, "other words"))
            if step.skip is not None:
                labelled.append((step.skip, "skip"))
        case AskScaleStep():
            labelled.append((step.next, f"{step.min}-{step.max}"))
            if step.skip is not None:
                labelled.append((step.skip, "skip"))
        case BranchStep():
            labelled += [(case.next, _condition(case.when)) for case in step.cases]
            labelled.append((step.default, "otherwise"))
        case GotoStep():
            into = f"{step.dialogue}.{step.step}" if step.step else step.dialogue
            yield step.dialogue, f"{'call' if step.call else 'goto'} {into}", True
            if step.next is not None:
                labelled.append((step.next, "returns"))
        case PauseStep():
            labelled.append((step.next, f"after {step.seconds}s"))
        case LaunchStep():
            for item in step.items:
                yield item.dialogue, f"button: {item.label}", True
        case RemindStep():
            yield step.dialogue, f"in {step.after_hours:g}h", True
        case FollowUpStep():
            hours = ", ".join(f"{h}h" for h in step.after_hours)
            yield step.dialogue, f"in {hours}", True
    covered = {target for target, _ in labelled}
    # Whatever successors() knows that no label above covers is drawn unlabelled,
    # so the picture never misses a way the engine can go.
    labelled += [(target, "") for target in successors(step) if target not in covered]
    for target, label in labelled:
        if target:
            yield target, label, False


def _condition(when: Condition) -> str:
    if when.is_set is not None:
        return f"{when.var} {'is set' if when.is_set else 'is not set'}"
    if when.equals is not None:
        return f"{when.var} = {when.equals}"
    if when.one_of is not None:
        return f"{when.var} in {', '.join(when.one_of)}"
    if when.contains_word is not None:
        return f"{when.var} has {'/'.join(when.contains_word)}"
    if when.at_least is not None:
        return f"{when.var} >= {when.at_least}"
    if when.at_most is not None:
        return f"{when.var} <= {when.at_most}"
    return when.var


def _label(step_id: str, step: Step) -> str:
    first = next((wordings[0] for _, wordings in texts_of(step)), None)
    label = f"{escape(step_id)} · {step.kind}"
    if first is not None:
        label += f"<br/>{escape(shorten(first, WORDING_CHARS))}"
    return label


def _shape(step: Step, label: str) -> str:
    """Mermaid node shape by kind: questions rounded, branches diamonds, ends stadiums."""
    if isinstance(step, AskChoiceStep | AskTextStep | AskScaleStep):
        return f'("{label}")'
    if isinstance(step, BranchStep):
        return f'{{"{label}"}}'
    if isinstance(step, EndStep):
        return f'(["{label}"])'
    if isinstance(step, GotoStep):
        return f'[/"{label}"/]'
    return f'["{label}"]'


def main(name: str, directory: Path) -> int:
    """Print the flowchart of dialogue ``name`` from ``directory``; 2 if there is none."""
    found: dict[str, Dialogue] = {}
    for path in dialogue_files([directory]):
        loaded, problems = parse_file(path)
        if loaded is not None:
            found[loaded.dialogue.id] = loaded.dialogue
        elif path.stem == name:
            for problem in problems:
                print(problem, file=sys.stderr)
            return 2
    dialogue = found.get(name)
    if dialogue is None:
        close = difflib.get_close_matches(name, found, n=3, cutoff=0.5)
        hint = f"did you mean: {', '.join(close)}?" if close else \
            f"known dialogues: {', '.join(sorted(found)) or '(none)'}"
        print(f"compassion-bot: no dialogue '{name}' in {directory}; {hint}", file=sys.stderr)
        return 2
    sys.stdout.write(mermaid(dialogue))
    return 0
