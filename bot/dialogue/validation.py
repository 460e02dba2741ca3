"""Named rules that a set of dialogues must satisfy, beyond the schema.

Each rule is a function ``(LoadedDialogue, DialogueSetView) -> Iterator[Problem]``
registered in :data:`RULES`; every problem names the file, the dialogue and the
step, so an author can go straight to the line.  What a message and a button may
hold is the platforms' (:class:`~bot.types.MessageLimits`, the tightest of the
registered ones, handed in by the composition root and ``dialogues check``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.dialogue.claims import therapy_claim
from bot.dialogue.spec import (
    COUNTERS,
    PARSERS,
    AskChoiceStep,
    AskScaleStep,
    AskTextStep,
    BranchStep,
    Dialogue,
    EndStep,
    ExportStep,
    FollowUpStep,
    ForgetStep,
    GotoStep,
    JournalStep,
    LaunchStep,
    OtherAnswer,
    PauseStep,
    ProgressStep,
    RemindStep,
    ResourcesStep,
    SayStep,
    ScoreStep,
    SetProfileStep,
    ShowJournalStep,
    Step,
    StopFollowUpsStep,
    SummaryStep,
    placeholders,
)
from bot.measures import SCALES, variable_names
from bot.types import MessageLimits

NO_LIMITS = MessageLimits()
# A quoted answer is shortened to this many characters before it is sent.
QUOTE_CHARS = 120

REQUIRED_DIALOGUES = (
    "system", "onboarding", "belief", "help", "sos", "crisis", "concern", "listen", "stop", "menu",
    "group_crisis", "group_private",
)
# Policy the engine's own dialogues must declare: the crisis flow is never put
# aside or held behind onboarding, and the learned layers cannot restart it from
# inside itself (see Dialogue.safety).
REQUIRED_POLICY: dict[str, tuple[str, ...]] = {
    "crisis": ("safety", "before_onboarding", "not resumable"),
    "concern": ("safety", "not resumable"),
    "sos": ("safety", "before_onboarding", "not resumable"),
    "stop": ("before_onboarding", "not resumable"),
    "help": ("before_onboarding",),
    "onboarding": ("before_onboarding",),
}
REQUIRED_LINES = (
    "stale_button",
    "unknown_command",
    "empty_message",
    "too_long",
    "choose_please",
    "scale_please",
    "nothing_to_resume",
    "resumed",
    "went_wrong",
    "back_to_question",
    "skipped",
    "skip_button",
    "resume_command",
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a dialogue, located as precisely as we can."""

    file: str
    dialogue: str
    step: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"dialogue '{self.dialogue}'"
        if self.step:
            where += f", step '{self.step}'"
        return f"{self.file}: {where}: [{self.rule}] {self.message}"


@dataclass(frozen=True, slots=True)
class LoadedDialogue:
    dialogue: Dialogue
    path: Path


Rule = Callable[[LoadedDialogue, Mapping[str, LoadedDialogue]], Iterator[Problem]]


def successors(step: Step) -> list[str]:
    """Steps of the same dialogue that ``step`` can move to."""
    targets: list[str | None] = []
    match step:
        case (
            SayStep()
            | SetProfileStep()
            | JournalStep()
            | ResourcesStep()
            | ScoreStep()
            | SummaryStep()
            | FollowUpStep()
            | StopFollowUpsStep()
            | PauseStep()
            | RemindStep()
            | LaunchStep()
            | ShowJournalStep()
            | ProgressStep()
            | ExportStep()
            | ForgetStep()
        ):
            targets.append(step.next)
        case AskTextStep():
            targets += [step.next, step.skip]
            if step.unparsed is not None:
                targets.append(step.unparsed.next)
        case AskScaleStep():
            targets += [step.next, step.skip]
        case AskChoiceStep():
            targets += [step.next, step.skip]
            targets += [option.next for option in step.choices]
            if step.other is not None:
                targets += [step.other.next, step.other.typed]
        case BranchStep():
            targets += [case.next for case in step.cases] + [step.default]
        case GotoStep():
            targets.append(step.next if step.call else None)
        case EndStep():
            pass
    return [t for t in targets if t is not None]


def texts_of(step: Step) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every ``(field, wordings)`` of a step that is said to the person."""
    say = getattr(step, "say", None)
    if say is not None:
        yield "say", say
    if isinstance(step, AskTextStep) and step.invalid is not None:
        yield "invalid", step.invalid
    if isinstance(step, AskTextStep) and step.stuck is not None:
        yield "stuck", step.stuck
    if isinstance(step, AskChoiceStep) and isinstance(step.other, OtherAnswer):
        yield "other.say", step.other.say
    if isinstance(step, ShowJournalStep):
        yield "empty", step.empty
        if step.header is not None:
            yield "header", step.header


def _problem(item: LoadedDialogue, step: str, rule: str, message: str) -> Problem:
    return Problem(item.path.name, item.dialogue.id, step, rule, message)


def rule_start_exists(item: LoadedDialogue, _: Mapping[str, LoadedDialogue]) -> Iterator[Problem]:
    d = item.dialogue
    if d.start is None:
        if d.steps:
            yield _problem(item, "", "start_exists", "has steps but no 'start'")
        elif not d.lines:
            # A file of lines only (system, groups) is said by the engine itself.
            yield _problem(item, "", "start_exists", "has no steps")
    elif d.start not in d.steps:
        yield _problem(item, "", "start_exists", f"start step '{d.start}' does not exist")


def rule_targets_exist(
    item: LoadedDialogue, known: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    d = item.dialogue
    for step_id, step in d.steps.items():
        for target in successors(step):
            if target not in d.steps:
                yield _problem(item, step_id, "targets_exist", f"goes to unknown step '{target}'")
        if isinstance(step, GotoStep):
            if step.dialogue not in known:
                yield _problem(
                    item, step_id, "targets_exist", f"goes to unknown dialogue '{step.dialogue}'"
                )
            else:
                callee = known[step.dialogue].dialogue
                if step.step is not None and step.step not in callee.steps:
                    yield _problem(
                        item, step_id, "targets_exist",
                        f"goes to unknown step '{step.step}' of dialogue '{step.dialogue}'",
                    )
                accepted = set(callee.inputs)
                for theirs in step.pass_vars:
                    if theirs not in accepted:
                        yield _problem(
                            item,
                            step_id,
                            "targets_exist",
                            f"passes '{theirs}', which dialogue '{step.dialogue}' "
                            "does not list in its inputs",
                        )
            if step.call and step.next is None:
                yield _problem(item, step_id, "targets_exist", "a 'call' needs a 'next'")
        started = [launcher.dialogue for launcher in step.items] if isinstance(step, LaunchStep) \
            else [step.dialogue] if isinstance(step, RemindStep | FollowUpStep) else []
        for dialogue_id in started:
            if dialogue_id not in known:
                yield _problem(
                    item, step_id, "targets_exist", f"starts unknown dialogue '{dialogue_id}'"
                )


def rule_choice_steps_lead_on(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    for step_id, step in item.dialogue.steps.items():
        if not isinstance(step, AskChoiceStep):
            continue
        if step.next is None:
            for option in step.choices:
                if option.next is None:
                    yield _problem(
                        item,
                        step_id,
                        "choices_lead_on",
                        f"choice '{option.id}' has no 'next' and the step has no default 'next'",
                    )
            if step.skip is None:
                yield _problem(
                    item,
                    step_id,
                    "skippable",
                    "needs a 'skip' or default 'next' so that 'skip' is always accepted",
                )
            if step.other is not None and step.other.next is None:
                yield _problem(item, step_id, "choices_lead_on", "'other' has no 'next'")


def rule_unique_choice_ids(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    for step_id, step in item.dialogue.steps.items():
        if isinstance(step, AskChoiceStep):
            seen: set[str] = set()
            for option in step.choices:
                if option.id in seen:
                    yield _problem(item, step_id, "unique_ids", f"choice id '{option.id}' twice")
                seen.add(option.id)
        if isinstance(step, AskScaleStep) and step.min >= step.max:
            yield _problem(item, step_id, "scale_range", "'min' must be below 'max'")
        if isinstance(step, AskScaleStep) and step.max - step.min > 10:
            yield _problem(item, step_id, "scale_range", "at most 11 points fit as buttons")


def rule_conditions(item: LoadedDialogue, _: Mapping[str, LoadedDialogue]) -> Iterator[Problem]:
    for step_id, step in item.dialogue.steps.items():
        if isinstance(step, BranchStep):
            for case in step.cases:
                ops = case.when.operators()
                if len(ops) != 1:
                    yield _problem(
                        item,
                        step_id,
                        "conditions",
                        f"a condition on '{case.when.var}' needs exactly one test, has {ops or 0}",
                    )


def rule_known_parsers(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    named = ((step_id, step.parse) for step_id, step in item.dialogue.steps.items()
             if isinstance(step, AskTextStep) and step.parse is not None)
    yield from _unknown(item, named, PARSERS, "known_parsers", "parser")
    for step_id, step in item.dialogue.steps.items():
        if isinstance(step, AskTextStep) and step.unparsed is not None and step.parse is None:
            yield _problem(item, step_id, "known_parsers",
                           "'unparsed' needs a 'parse': without one every answer is read")


def rule_known_scales(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    named = ((step_id, step.scale) for step_id, step in item.dialogue.steps.items()
             if isinstance(step, ScoreStep))
    yield from _unknown(item, named, SCALES, "known_scales", "questionnaire")


def _unknown(item: LoadedDialogue, named: Iterable[tuple[str, str]], known: Iterable[str],
             rule: str, what: str) -> Iterator[Problem]:
    """A problem for each step naming a ``what`` (a parser...) that is not ``known``."""
    names = sorted(known)
    for step_id, name in named:
        if name not in names:
            yield _problem(item, step_id, rule,
                           f"no {what} named '{name}' (known: {', '.join(names)})")


def rule_never_therapy(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    """Nothing the bot says calls it a therapist or what it does therapy
    (:mod:`bot.dialogue.claims`)."""
    for step_id, field_name, text in every_text(item.dialogue):
        claim = therapy_claim(text)
        if claim is not None:
            yield _problem(item, step_id, "never_therapy",
                           f"'{field_name}' presents the bot as therapy (“{claim}”): it is a "
                           "self-help bot, never a therapist, counsellor or therapy")


def every_text(d: Dialogue) -> Iterator[tuple[str, str, str]]:
    """Every ``(step, field, text)`` a person can read: titles, lines, buttons."""
    yield "", "title", d.title
    yield "", "description", d.description
    for name, variants in d.lines.items():
        for text in variants:
            yield "", f"lines.{name}", text
    for step_id, step in d.steps.items():
        for field_name, variants in texts_of(step):
            for text in variants:
                yield step_id, field_name, text
        if isinstance(step, AskChoiceStep):
            for option in step.choices:
                yield step_id, f"choices.{option.id}", option.label
            if step.other is not None:
                yield step_id, "other.label", step.other.label
        if isinstance(step, LaunchStep):
            for launcher in step.items:
                yield step_id, f"items.{launcher.dialogue}", launcher.label


def reachable(entries: Mapping[str, set[str]]) -> Rule:
    """The rule that every step can be reached: from the start, or from a step that
    a dialogue goes to by name (``entries``: dialogue -> such steps; the kit's "keep
    this?" offer), found once for the whole set by :func:`goto_entries`."""

    def rule_reachable(item: LoadedDialogue,
                       _: Mapping[str, LoadedDialogue]) -> Iterator[Problem]:
        yield from _unreachable(item, entries.get(item.dialogue.id, set()))

    return rule_reachable


def goto_entries(items: Iterable[LoadedDialogue]) -> dict[str, set[str]]:
    """Per dialogue, the steps other dialogues (or itself) go to by name."""
    entries: dict[str, set[str]] = {}
    for item in items:
        for step in item.dialogue.steps.values():
            if isinstance(step, GotoStep) and step.step is not None:
                entries.setdefault(step.dialogue, set()).add(step.step)
    return entries


def _unreachable(item: LoadedDialogue, entries: set[str]) -> Iterator[Problem]:
    d = item.dialogue
    if d.start is None or d.start not in d.steps:
        return
    seen = _reach(d, d.start)
    for entry in entries - seen:
        seen |= _reach(d, entry)
    for step_id in d.steps:
        if step_id not in seen:
            yield _problem(item, step_id, "reachable", "no path from the start reaches this step")


def rule_paths_end(item: LoadedDialogue, _: Mapping[str, LoadedDialogue]) -> Iterator[Problem]:
    d = item.dialogue
    finishing = {
        step_id
        for step_id, step in d.steps.items()
        if isinstance(step, EndStep) or (isinstance(step, GotoStep) and not step.call)
    }
    # Walk backwards from the finishing steps: anything not reached can never end.
    changed = True
    while changed:
        changed = False
        for step_id, step in d.steps.items():
            if step_id not in finishing and any(t in finishing for t in successors(step)):
                finishing.add(step_id)
                changed = True
    for step_id in d.steps:
        if step_id not in finishing:
            yield _problem(item, step_id, "paths_end", "no path from this step reaches an end")


def rule_vars_saved_before_use(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    """A variable is quoted or tested only after every path has passed its saving step.

    Answers can always be skipped, so a quoted variable must also have a
    fallback (``{var|words}``) or the line a wording that does not quote it.
    """
    d = item.dialogue
    if d.start is None or d.start not in d.steps:
        return
    known = _definitely_saved(d)
    for step_id, step in d.steps.items():
        available = known.get(step_id, set())
        used: set[str] = set()
        for field_name, variants in texts_of(step):
            plain_variant = False
            for text in variants:
                refs = placeholders(text)
                used |= {name for name, _ in refs}
                if all(fallback is not None for _, fallback in refs):
                    plain_variant = True
            if not plain_variant:
                yield _problem(
                    item,
                    step_id,
                    "vars_saved_before_use",
                    f"'{field_name}': every wording quotes an answer that may have been "
                    "skipped; give a fallback ({var|...}) or a wording without it",
                )
        if isinstance(step, BranchStep):
            used |= {case.when.var for case in step.cases if case.when.is_set is None}
            used |= {other for case in step.cases
                     for other in (case.when.above, case.when.below) if other is not None}
        if isinstance(step, JournalStep):
            # A journal step keeps what the person answered on the path they took
            # (the lesson of a repair only after choosing one), and passes over the
            # rest; only a field that nothing ever saves is a mistake.
            for name in sorted(set(step.fields) - _all_saved(d)):
                yield _problem(item, step_id, "vars_saved_before_use",
                               f"keeps '{name}', which nothing saves")
        for name in sorted(used - available):
            yield _problem(
                item,
                step_id,
                "vars_saved_before_use",
                f"uses '{name}' before every path has saved it",
            )
        if isinstance(step, BranchStep):
            for case in step.cases:
                if case.when.is_set is not None and case.when.var not in _all_saved(d):
                    yield _problem(
                        item,
                        step_id,
                        "vars_saved_before_use",
                        f"tests '{case.when.var}', which nothing saves",
                    )


def text_limits(limits: MessageLimits) -> Rule:
    """The rule that every text and button fits ``limits`` (a platform's, or the
    tightest of several); a limit of ``None`` is not checked."""

    def rule_text_limits(item: LoadedDialogue,
                         _: Mapping[str, LoadedDialogue]) -> Iterator[Problem]:
        yield from _text_limits(item, limits)

    return rule_text_limits


def _text_limits(item: LoadedDialogue, limits: MessageLimits) -> Iterator[Problem]:
    d = item.dialogue
    max_chars, max_label, max_bytes = (limits.message_chars, limits.button_label_chars,
                                       limits.callback_bytes)
    named: list[tuple[str, str, tuple[str, ...]]] = [
        (step_id, field_name, variants)
        for step_id, step in d.steps.items()
        for field_name, variants in texts_of(step)
    ]
    named += [("", f"lines.{name}", variants) for name, variants in d.lines.items()]
    for step_id, field_name, variants in named:
        for text in variants:
            longest = len(text) + sum(QUOTE_CHARS for _ in placeholders(text))
            if max_chars is not None and longest > max_chars:
                yield _problem(
                    item,
                    step_id,
                    "text_limits",
                    f"'{field_name}' can reach {longest} characters; "
                    f"the limit is {max_chars}",
                )
    for step_id, step in d.steps.items():
        if isinstance(step, LaunchStep):
            for launcher in step.items:
                if max_label is not None and len(launcher.label) > max_label:
                    yield _problem(
                        item, step_id, "text_limits",
                        f"label of the button for '{launcher.dialogue}' is "
                        f"{len(launcher.label)} characters; the limit is {max_label}",
                    )
        if isinstance(step, AskChoiceStep):
            labels = [(o.id, o.label) for o in step.choices]
            if step.other is not None:
                labels.append(("other", step.other.label))
            for option_id, label in labels:
                if max_label is not None and len(label) > max_label:
                    yield _problem(
                        item,
                        step_id,
                        "text_limits",
                        f"label of '{option_id}' is {len(label)} characters; "
                        f"the limit is {max_label}",
                    )
                payload = f"{d.id}:{step_id}:{option_id}".encode()
                if max_bytes is not None and len(payload) > max_bytes:
                    yield _problem(
                        item,
                        step_id,
                        "text_limits",
                        f"button id for '{option_id}' is {len(payload)} bytes; "
                        f"the limit is {max_bytes}",
                    )


def rule_groups_never_quote(
    item: LoadedDialogue, _: Mapping[str, LoadedDialogue]
) -> Iterator[Problem]:
    """Nothing a person wrote is ever repeated in a shared channel."""
    if item.dialogue.audience != "group":
        return
    for step_id, step in item.dialogue.steps.items():
        for field_name, variants in texts_of(step):
            if any(placeholders(text) for text in variants):
                yield _problem(item, step_id, "groups_never_quote",
                               f"'{field_name}' quotes an answer in a group dialogue")
    # Lines are filled by the engine, never from answers: only its own group values.
    for name, variants in item.dialogue.lines.items():
        for text in variants:
            for var, _fallback in placeholders(text):
                if var not in GROUP_VALUES:
                    yield _problem(item, "", "groups_never_quote",
                                   f"'lines.{name}' fills in '{var}', which is not one of "
                                   f"the engine's group values ({', '.join(sorted(GROUP_VALUES))})")


GROUP_VALUES = frozenset({"count", "results", "time", "zone", "state", "feature", "languages"})
"""What the engine fills into group lines: counts and settings, never anyone's words."""


RULES: dict[str, Rule] = {
    "groups_never_quote": rule_groups_never_quote,
    "start_exists": rule_start_exists,
    "targets_exist": rule_targets_exist,
    "choices_lead_on": rule_choice_steps_lead_on,
    "unique_ids": rule_unique_choice_ids,
    "conditions": rule_conditions,
    "known_parsers": rule_known_parsers,
    "known_scales": rule_known_scales,
    "never_therapy": rule_never_therapy,
    "paths_end": rule_paths_end,
    "vars_saved_before_use": rule_vars_saved_before_use,
}
"""The rules that hold on every platform; ``text_limits`` (:func:`text_limits`) is
added with the platforms' limits."""


def validate_set(items: Iterable[LoadedDialogue],
                 limits: MessageLimits = NO_LIMITS) -> list[Problem]:
    """Run every rule on every dialogue, plus the rules about the set as a whole;
    texts and buttons are held to ``limits``."""
    problems: list[Problem] = []
    by_id: dict[str, LoadedDialogue] = {}
    commands: dict[str, LoadedDialogue] = {}
    for item in items:
        d = item.dialogue
        if d.id in by_id:
            other = by_id[d.id].path.name
            problems.append(_problem(item, "", "unique_ids", f"dialogue id also used in {other}"))
            continue
        by_id[d.id] = item
        if d.command is not None:
            if d.command in commands:
                other = commands[d.command].path.name
                problems.append(
                    _problem(item, "", "unique_ids", f"command /{d.command} also used in {other}")
                )
            commands[d.command] = item
    rules = [*RULES.values(), text_limits(limits), reachable(goto_entries(by_id.values()))]
    for item in by_id.values():
        for rule in rules:
            problems.extend(rule(item, by_id))
    return problems


def validate_required(items: Mapping[str, LoadedDialogue], where: str) -> list[Problem]:
    """The dialogues and system lines the engine itself relies on are present."""
    problems = [
        Problem(where, name, "", "required", "this dialogue is required by the engine")
        for name in REQUIRED_DIALOGUES
        if name not in items
    ]
    for name, wanted in REQUIRED_POLICY.items():
        item = items.get(name)
        if item is None:
            continue
        d = item.dialogue
        have = {"safety": d.safety, "before_onboarding": d.before_onboarding,
                "not resumable": not d.resumable}
        problems += [_problem(item, "", "required", f"must be {policy} (the engine relies on it)")
                     for policy in wanted if not have[policy]]
    system = items.get("system")
    if system is not None:
        problems += [
            _problem(system, "", "required", f"line '{line}' is required by the engine")
            for line in REQUIRED_LINES
            if line not in system.dialogue.lines
        ]
    return problems


def _reach(d: Dialogue, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in d.steps:
            continue
        seen.add(step_id)
        todo.extend(successors(d.steps[step_id]))
    return seen


def _saves(step: Step) -> set[str]:
    saved: set[str] = set()
    if isinstance(step, AskTextStep | AskScaleStep):
        saved.add(step.save)
    if isinstance(step, AskTextStep) and step.unparsed is not None:
        saved.add(step.unparsed.save)
    if isinstance(step, AskChoiceStep) and step.save is not None:
        saved.add(step.save)
    if isinstance(step, BranchStep):
        saved |= {c.when.capture for c in step.cases if c.when.capture is not None}
    if isinstance(step, ScoreStep) and step.scale in SCALES:
        saved |= set(variable_names(step.scale, step.prefix))
    return saved


def _given(d: Dialogue) -> set[str]:
    """Variables a dialogue has from its start: inputs, profile fields, counters."""
    return set(d.inputs) | set(d.from_profile) | set(COUNTERS)


def _all_saved(d: Dialogue) -> set[str]:
    names = _given(d)
    for step in d.steps.values():
        names |= _saves(step)
    return names


def _definitely_saved(d: Dialogue) -> dict[str, set[str]]:
    """For each step, the variables saved on every path from the start to it.

    Classic forward "must" data-flow: intersect over predecessors, iterate to a
    fixed point.  Inputs count as saved: they may be unset, which is what the
    fallback rule is for.
    """
    assert d.start is not None
    universe = _all_saved(d)
    avail: dict[str, set[str]] = {step_id: set(universe) for step_id in d.steps}
    avail[d.start] = _given(d)
    preds: dict[str, list[str]] = {step_id: [] for step_id in d.steps}
    for step_id, step in d.steps.items():
        for target in successors(step):
            if target in preds:
                preds[target].append(step_id)
    reachable = _reach(d, d.start)
    changed = True
    while changed:
        changed = False
        for step_id in d.steps:
            if step_id not in reachable:
                continue
            incoming = [avail[p] | _saves(d.steps[p]) for p in preds[step_id] if p in reachable]
            if step_id == d.start:
                incoming.append(_given(d))
            new = set.intersection(*incoming) if incoming else _given(d)
            if new != avail[step_id]:
                avail[step_id] = new
                changed = True
    return avail


__all__ = [
    "NO_LIMITS",
    "RULES",
    "LoadedDialogue",
    "Problem",
    "successors",
    "text_limits",
    "texts_of",
    "validate_required",
    "validate_set",
]
