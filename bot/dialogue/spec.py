"""Pydantic models of a dialogue file: the schema every ``dialogues/*.yaml`` obeys.

A dialogue is a named graph of steps.  Each step kind is its own model, joined
in the :data:`Step` discriminated union on ``kind``.  Texts are given as one
string or a list of wordings (variants); the engine picks among them so that a
daily user does not hear the same sentence every day.  Texts may quote what the
person said with ``{var}`` or ``{var|fallback words}``.

Schema errors are caught here; graph rules (targets exist, every step is
reachable, ...) live in :mod:`bot.dialogue.validation`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

IDENT = r"^[a-z][a-z0-9_]*$"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|([^{}]*))?\}")

# Ids are joined into button payloads (``dialogue:step:option``); these caps keep
# the longest payload inside Telegram's 64-byte callback_data.
MAX_DIALOGUE_ID = 20
MAX_STEP_ID = 24
MAX_CHOICE_ID = 16


def _as_variants(value: Any) -> Any:
    """Accept a single string where a list of wordings is expected."""
    if isinstance(value, str):
        return (value,)
    return value


Variants = Annotated[
    tuple[Annotated[str, Field(min_length=1)], ...],
    BeforeValidator(_as_variants),
    Field(min_length=1),
]
"""One or more wordings of the same line."""

COUNTERS = ("answered", "skipped")
"""Variables the engine keeps in every dialogue: how many questions the person
answered in their own words or with a button (``answered``) and how many they
skipped (``skipped``), so that a closing line can depend on what they did."""

PARSERS = frozenset({"country", "timezone", "time_window", "quiet_hours", "days"})
"""Names an ``ask_text`` step may give in ``parse``: the engine's ``Services.parsers``
holds one function for each (``country``: an ISO code; the others: the nudge
settings of :mod:`bot.nudges.parse`)."""

StepId = Annotated[str, Field(pattern=IDENT, max_length=MAX_STEP_ID)]
VarName = Annotated[str, Field(pattern=IDENT, max_length=40)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SayStep(_Model):
    """Say something, then go straight on.

    ``private_button`` adds a button that opens a private chat with the bot
    (used in groups, where nothing personal is talked about).
    """

    kind: Literal["say"]
    say: Variants
    next: StepId
    private_button: Annotated[str, Field(min_length=1)] | None = None
    praise: bool = False
    """The line praises something the person did: reachable only when they did it
    (the rubric test walks every dialogue and checks)."""


class Unparsed(_Model):
    """Where words a ``parse`` cannot read go, instead of ``invalid``."""

    save: VarName
    """The words as written (never the ``save`` of the step: they are not its answer)."""
    next: StepId
    """A step that answers them ("please don't tell anyone" to "which country?")."""


class AskTextStep(_Model):
    """Ask for the person's own words and save them in ``save``.

    "skip" and "I don't know" are always accepted: the variable stays unset and
    the dialogue moves to ``skip`` (or ``next``).  With ``parse``, the answer is
    checked by a named parser (one of :data:`PARSERS`), what it returns is saved,
    and ``invalid`` is said when it fails (or, with ``unparsed``, the words are
    answered by a step of their own).
    """

    kind: Literal["ask_text"]
    say: Variants
    save: VarName
    next: StepId
    skip: StepId | None = None
    parse: VarName | None = None
    invalid: Variants | None = None
    unparsed: Unparsed | None = None
    """With ``parse``: words the parser cannot read are heard rather than refused
    with ``invalid``: saved in ``unparsed.save`` and answered at ``unparsed.next``.
    A bare "no" or "ok" is still a skip.  For a question asked in a hard moment
    (the crisis conversation's "which country?"), where a validation error would
    be the wrong answer to whatever the person wrote instead."""
    stuck: Variants | None = None
    """Said the first time the person answers "I don't know" (or presses "Not
    sure"): an example or two, or a smaller question; the step then waits again,
    and a second "I don't know" moves on as a skip."""


class Option(_Model):
    """One button of an :class:`AskChoiceStep`."""

    id: Annotated[str, Field(pattern=IDENT, max_length=MAX_CHOICE_ID)]
    label: Annotated[str, Field(min_length=1)]
    next: StepId | None = None
    """Where this option leads; the step's ``next`` when omitted."""
    value: str | None = None
    """What is saved; the option id when omitted."""
    also: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    """Other words that mean this option when typed ("yeah", "sure" for "Yes")."""
    opens: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    """Words that mean this option when an answer opens with them, whatever follows
    ("it was a joke about my exam" for "I'm okay"), unless what follows qualifies it
    ("..., but sometimes"); for a question whose options people explain."""
    saves: bool = True
    """``False``: choosing it saves nothing in the step's ``save`` (a "Next step"
    beside "My own words" is no answer to keep)."""


class OtherAnswer(_Model):
    """A "something else" button that lets the person type their own answer."""

    label: Annotated[str, Field(min_length=1)]
    say: Variants
    next: StepId | None = None
    typed: StepId | None = None
    """Where words typed at the question itself, without the button, go instead
    (saved the same way): a step that checks they were meant as the answer, so
    that "what is this?" is not kept as a kind moment."""


class AskChoiceStep(_Model):
    """Ask with buttons.  Typing a button's label or number counts as pressing it."""

    kind: Literal["ask_choice"]
    say: Variants
    choices: Annotated[tuple[Option, ...], Field(min_length=1)]
    save: VarName | None = None
    next: StepId | None = None
    skip: StepId | None = None
    other: OtherAnswer | None = None
    """When given, free text is accepted and saved as the answer."""


class AskScaleStep(_Model):
    """Ask for a number on a scale (0-10 by default), as buttons or typed."""

    kind: Literal["ask_scale"]
    say: Variants
    save: VarName
    next: StepId
    skip: StepId | None = None
    min: int = 0
    max: int = 10
    answered_by: VarName | None = None
    """A variable that may hold the answer already (the message that started the
    dialogue: "4", "mood 7/10 today"): a number within the scale in it is taken as
    the answer, and the question is not asked again."""


class Condition(_Model):
    """A test on a saved variable; exactly one operator is given."""

    var: VarName
    is_set: bool | None = None
    equals: str | None = None
    one_of: tuple[str, ...] | None = None
    contains_word: tuple[str, ...] | None = None
    """Whole-word, case-insensitive; the first word found is saved in ``capture``."""
    at_least: int | None = None
    at_most: int | None = None
    above: VarName | None = None
    """The value is a number greater than another variable's (a feeling that rose)."""
    below: VarName | None = None
    """The value is a number smaller than another variable's (a feeling that eased)."""
    capture: VarName | None = None
    within_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    """The value is a time (ISO 8601) less than this many days before the turn (a
    measure taken lately)."""

    def operators(self) -> list[str]:
        ops = ("is_set", "equals", "one_of", "contains_word", "at_least", "at_most",
               "above", "below", "within_days")
        return [op for op in ops if getattr(self, op) is not None]


class Case(_Model):
    when: Condition
    next: StepId


class BranchStep(_Model):
    """Go to the first case whose condition holds, else to ``default``."""

    kind: Literal["branch"]
    cases: Annotated[tuple[Case, ...], Field(min_length=1)]
    default: StepId


class GotoStep(_Model):
    """Continue in another dialogue.

    With ``call``, come back to ``next`` when it ends; without, this dialogue
    ends here.  ``with`` passes variables: ``{their_name: our_name}``.
    """

    kind: Literal["goto"]
    dialogue: Annotated[str, Field(pattern=IDENT, max_length=MAX_DIALOGUE_ID)]
    step: StepId | None = None
    """Where to begin in that dialogue; its ``start`` when omitted."""
    call: bool = False
    next: StepId | None = None
    pass_vars: dict[VarName, VarName] = Field(default_factory=dict, alias="with")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SetProfileStep(_Model):
    """Save answers to the person's profile (``country: "{country}"``, ``consent: "yes"``).

    ``"{now}"`` is the time of the turn (ISO 8601, UTC).  With
    ``only_with_consent`` nothing is saved unless the person agreed that their
    answers may be kept (a reframe kept for nudges, say).
    """

    kind: Literal["set_profile"]
    fields: dict[VarName, str | bool | int]
    next: StepId
    only_with_consent: bool = False


class JournalStep(_Model):
    """Record the named variables in the person's journal, if they consented.

    ``on_request``: the person asked to keep this one thing (a sentence for their
    compassion kit), which is consent for it alone: it is kept even when they
    chose not to have their answers kept in general.
    """

    kind: Literal["journal"]
    entry: VarName
    fields: Annotated[tuple[VarName, ...], Field(min_length=1)]
    next: StepId
    on_request: bool = False


class ResourcesStep(_Model):
    """Show crisis resources for the person's country, after ``say``.

    The lines for a ``topic`` come first: this step's own (``young_people`` for
    someone under the bot's minimum age), else the dialogue's ``topic`` variable
    (what a crisis was about)."""

    kind: Literal["resources"]
    say: Variants | None = None
    topic: VarName | None = None
    next: StepId




class ScoreStep(_Model):
    """Score a questionnaire from the answers saved as ``<prefix><n>`` (``scs_1``...):
    the scores are saved as variables the scale names (``scs_total``...), or
    nothing when too many items were skipped to score it."""

    kind: Literal["score"]
    scale: Annotated[str, Field(pattern=IDENT)]
    prefix: VarName
    next: StepId


class SummaryStep(_Model):
    """Send a one-page PDF summary to share with a clinician: measures, exercises,
    check-in moods over ``days``, and the safety plan when ``plan`` is "yes"."""

    kind: Literal["summary"]
    days: Annotated[int, Field(ge=7, le=365)] = 90
    plan: VarName | None = None
    """A variable holding "yes" when the person chose to include their safety plan."""
    next: StepId


def _as_hours(value: Any) -> Any:
    """Accept a single number of hours where a schedule is expected."""
    if isinstance(value, int):
        return (value,)
    return value


FollowUpHours = Annotated[
    tuple[Annotated[int, Field(ge=1, le=24 * 14)], ...],
    BeforeValidator(_as_hours),
    Field(min_length=1, max_length=5),
]


class FollowUpStep(_Model):
    """The person would like gentle check-ins after a crisis, ``after_hours`` after
    now (24, 72 and 168 hours: a day, three days and a week): remember them in the
    profile and set one timer each that starts ``dialogue`` with its ``round``
    (1, 2, ...).  Agreeing again replaces the earlier schedule, and the dialogue
    can stop the rest (``stop_follow_ups``), so there are never more than these."""

    kind: Literal["follow_up"]
    after_hours: FollowUpHours = (24,)
    dialogue: Annotated[str, Field(pattern=IDENT, max_length=MAX_DIALOGUE_ID)] = "follow_up"
    next: StepId


class StopFollowUpsStep(_Model):
    """The person said they are fine: the check-ins still to come are not sent."""

    kind: Literal["stop_follow_ups"]
    next: StepId


class PauseStep(_Model):
    """Say ``say`` (if given), then wait ``seconds`` before going on to ``next``.

    The wait is a timer kept by the scheduler, never a sleep: other people are
    answered meanwhile.  Anything the person types during the pause moves on at
    once ("stop" still stops).
    """

    kind: Literal["pause"]
    say: Variants | None = None
    seconds: Annotated[int, Field(ge=1, le=600)]
    next: StepId


class RemindStep(_Model):
    """Come back later: after ``after_hours``, start ``dialogue`` (the person agreed)."""

    kind: Literal["remind"]
    after_hours: Annotated[float, Field(gt=0, le=24 * 14)]
    dialogue: Annotated[str, Field(pattern=IDENT, max_length=MAX_DIALOGUE_ID)]
    next: StepId


class Launcher(_Model):
    """A button that starts a dialogue, whenever it is pressed."""

    label: Annotated[str, Field(min_length=1)]
    dialogue: Annotated[str, Field(pattern=IDENT, max_length=MAX_DIALOGUE_ID)]


class LaunchStep(_Model):
    """Say ``say`` with a button per item; each starts its dialogue.

    Unlike a question's buttons these never go stale: a list of exercises sent
    last week still opens the exercise pressed today.
    """

    kind: Literal["launch"]
    say: Variants
    items: Annotated[tuple[Launcher, ...], Field(min_length=1, max_length=12)]
    next: StepId


class ShowJournalStep(_Model):
    """Show the person's latest journal entries of the given kinds (all when empty)."""

    kind: Literal["show_journal"]
    entries: tuple[VarName, ...] = ()
    limit: Annotated[int, Field(ge=1, le=20)] = 5
    empty: Variants
    """Said when there is nothing to show."""
    header: Variants | None = None
    """Said above the entries (the journal's own header when not given)."""
    next: StepId


class ProgressStep(_Model):
    """Send the progress chart (mood over time, exercise days, intensity before and
    after) with a short summary of the last week in words."""

    kind: Literal["progress"]
    days: Annotated[int, Field(ge=7, le=365)] = 30
    """How far back the chart reaches."""
    next: StepId


class ExportStep(_Model):
    """Send the person everything stored about them."""

    kind: Literal["export"]
    next: StepId


class ForgetStep(_Model):
    """Delete everything stored about the person.  Only after a confirmation."""

    kind: Literal["forget"]
    next: StepId


class EndStep(_Model):
    """End this dialogue (and return to a caller, if any)."""

    kind: Literal["end"]
    say: Variants | None = None
    praise: bool = False
    """As for :class:`SayStep`: a closing line that praises what the person did."""


Step = Annotated[
    SayStep
    | AskTextStep
    | AskChoiceStep
    | AskScaleStep
    | BranchStep
    | GotoStep
    | SetProfileStep
    | JournalStep
    | ResourcesStep
    | ScoreStep
    | SummaryStep
    | FollowUpStep
    | StopFollowUpsStep
    | PauseStep
    | RemindStep
    | LaunchStep
    | ShowJournalStep
    | ProgressStep
    | ExportStep
    | ForgetStep
    | EndStep,
    Field(discriminator="kind"),
]
AskStep = AskTextStep | AskChoiceStep | AskScaleStep
"""The steps where a conversation waits for the person."""

Interrupt = Literal["call", "suspend", "discard"]
"""What starting this dialogue by command does to a running one.

``call``: run it, then return to the waiting question (help, export).
``suspend``: put the running exercise aside; ``/resume`` brings it back.
``discard``: end the running exercise (stop, start).
"""


class Dialogue(_Model):
    """One dialogue file."""

    id: Annotated[str, Field(pattern=IDENT, max_length=MAX_DIALOGUE_ID)]
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    command: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")] | None = None
    """Starts this dialogue from any step (Telegram's rules for command names)."""
    argument: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    """What the command takes after its name (``/win I rested``), described for the
    platforms' command menus (Discord shows it as the command's text option)."""
    interrupt: Interrupt = "suspend"
    inputs: tuple[VarName, ...] = ()
    """Variables a caller or the router may pass in; each may be unset."""
    from_profile: tuple[VarName, ...] = ()
    """Profile fields copied into variables when the dialogue starts (a saved plan)."""
    resumable: bool = True
    """``False``: never put aside for ``/resume``; started afresh instead (safety
    flows, menus, one-off views: choosing what to do is not work to come back to)."""
    hub: bool = False
    """A place to choose what to do (the menu, "which tool?"): when a list of
    exercises is shown while it waits (``/tools``), the list takes its place rather
    than it being asked again, so a number typed next picks from the list."""
    before_onboarding: bool = False
    """Its command works before onboarding (crisis lines, help, forget, export);
    any other leads to onboarding first, and runs when onboarding ends."""
    in_groups: bool = False
    """Its command is answered in a group chat; the others are offered in private."""
    all_ages: bool = False
    """Open to someone under the operator's minimum age too (soothing breathing: it
    keeps nothing and helps in a hard moment), like the safety flows."""
    safety: bool = False
    """Part of the safety flow: answers here are about staying safe ("put the pills
    away"), so only the rule tables' verdict, not the learned layers', restarts it."""
    audience: Literal["private", "group"] = "private"
    """``group`` dialogues are said in a shared channel: they never quote anyone."""
    counts_as: Literal["crisis", "concern"] | None = None
    """Starting it from its start is a crisis response (or a concern check) in the
    operator's aggregate report (``compassion-bot report``); a crisis response also
    marks the crisis moment, however it was reached (a mood screen's answer)."""
    start: StepId | None = None
    steps: dict[StepId, Step] = Field(default_factory=dict)
    lines: dict[VarName, Variants] = Field(default_factory=dict)
    """Reusable lines the engine says outside any step (only the ``system`` dialogue)."""


def placeholders(text: str) -> list[tuple[str, str | None]]:
    """The ``(variable, fallback)`` pairs quoted in ``text``."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)]
