"""The pure dialogue engine: ``Engine.step(state, turn) -> Outcome``.

No I/O, no asyncio, no platform types and no clock of its own: given the
conversation's state and one turn (the inbound event, the time, the person's
profile and the safety verdict), it returns the new state and the actions to
take.  The runtime persists the state and sends the actions.

Order of precedence inside a turn:

1. A crisis verdict stops everything and starts the ``crisis`` dialogue; a
   concern starts the ``concern`` check over whatever was running.
2. Commands (and the plain words "stop" and "help") work at every step.
3. A button press is applied only if it belongs to the question being asked.
4. Text answers the question being asked, or goes to the router.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.answers import Label, is_skip, is_unsure, match_label, parse_number
from bot.choices import LAUNCH, ChoiceRef, launcher, parse_choice
from bot.dialogue.loader import RESUME_COMMAND, DialogueSet
from bot.dialogue.spec import (
    COUNTERS,
    PLACEHOLDER,
    AskChoiceStep,
    AskScaleStep,
    AskStep,
    AskTextStep,
    BranchStep,
    Condition,
    Dialogue,
    EndStep,
    ExportStep,
    FollowUpStep,
    ForgetStep,
    GotoStep,
    JournalStep,
    LaunchStep,
    PauseStep,
    ProgressStep,
    RemindStep,
    ResourcesStep,
    SayStep,
    SetProfileStep,
    ShowJournalStep,
    Step,
    Variants,
)
from bot.groups.prompts import PromptLibrary
from bot.groups.state import GroupState, SharedWin
from bot.groups.turn import GroupTurn
from bot.router import Router
from bot.safety.context import remember
from bot.state import ConversationState, Frame, Profile, Value
from bot.text import (
    HELP_ANSWERS,
    STOP_ANSWERS,
    answer_key,
    parse_scale,
    quotable,
    shorten,
    words,
)
from bot.types import (
    NO_RISK,
    Action,
    Assessment,
    Choice,
    ForgetUser,
    Inbound,
    RecordJournal,
    RequestExport,
    ScheduleWake,
    Segment,
    SendText,
    ShowJournal,
    ShowProgress,
    UpdateProfile,
)
from bot.wording import fill, fillable, rotation

# Dialogues the engine starts by itself.
CRISIS = "crisis"
CONCERN = "concern"
ONBOARDING = "onboarding"
STOP = "stop"
SOS = "sos"
SYSTEM = "system"
CRISIS_FROM_GROUP = "crisis_from_group"
GROUP_ALERT = "group_alert"
# Which dialogues are resumable, allowed before onboarding, answered in groups or
# part of the safety flow is content policy: each dialogue file says so
# (``resumable``, ``before_onboarding``, ``in_groups``, ``safety``), gathered in
# the DialogueSet.
# The start payload of a "continue in private" button; /start with it opens the menu.
PRIVATE_CHAT_PAYLOAD = "from_group"
SKIP_OPTION = "skip"
OTHER_OPTION = "other"
UNSURE_OPTION = "unsure"
ANSWERED, SKIPPED = COUNTERS
# After a crisis, free text is met by listening, not by an exercise, for this long.
CRISIS_MEMORY = timedelta(hours=24)
# Events a person makes (the others come from the scheduler).
PERSON_KINDS = frozenset({"text", "choice", "command"})
ASSESSED_KINDS = frozenset({"text", "command"})
"""Events whose text the person typed, read by the safety layer with its context."""
# Someone who wrote this recently is in the middle of something: no nudge now.
BUSY_FOR = timedelta(minutes=30)
# A nudge found later than this after it was due (the bot was down) is not sent.
NUDGE_GRACE = timedelta(hours=1)
# Timer tokens: a pause ending ("pause:dialogue:step"), a dialogue to start ("start:dialogue").
PAUSE_TOKEN = "pause"  # noqa: S105 - a timer's name, not a secret
START_TOKEN = "start"  # noqa: S105
# Not a timer: the chat was opened again (the terminal after a restart), so the
# question waiting for an answer is asked again rather than left off screen.
REOPEN_TOKEN = "reopen"  # noqa: S105
# A dialogue asked for before onboarding (a first message "/checkin"): onboarding
# carries it in this variable and it starts when onboarding ends (see finish()).
ASKED_FOR = "asked_for"
# What /resume would bring back (the title of the exercise put aside), given to a
# dialogue that declares this input, so that it promises /resume only when true.
PAUSED = "paused"
# The counter of nudges sent, kept with the counters of wordings said.
NUDGE_COUNTER = "nudge"
# A dialogue set that passes validation cannot loop; this guards the engine
# against a bug anyway, so one broken turn never hangs a worker.
MAX_STEPS_PER_TURN = 200


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound event with everything the engine may consider about it."""

    event: Inbound
    now: datetime
    profile: Profile
    risk: Assessment = NO_RISK
    group: GroupState | None = None
    """In a group chat: the group's settings and aggregates (``None``: never set up)."""
    wins: tuple[SharedWin, ...] = ()
    """On a group's daily moment: the wins its digest may quote."""


@dataclass(frozen=True, slots=True)
class Outcome:
    state: ConversationState
    actions: list[Action]
    group: GroupState | None = None
    """The group's new state, when this turn changed it."""
    drop_wins: tuple[int, ...] = ()
    """Kept wins the digest has used (or passed over): no longer stored."""


@dataclass(frozen=True, slots=True)
class Services:
    """Pure helpers the engine calls; injected so the engine stays testable."""

    parsers: Mapping[str, Callable[[str], str | None]]
    """The parsers ``ask_text`` steps name, by name: what a person typed -> the value
    to save, or None when it cannot be read ("country": "UK" -> "GB"; the names
    are listed in :data:`bot.dialogue.spec.PARSERS`)."""
    crisis_resources: Callable[[str | None, str | None], str]
    """Country code (or None) -> a short block of emergency numbers and lines."""


class NudgeComposer(Protocol):
    """Writes a scheduled nudge for one person (see :mod:`bot.nudges`)."""

    def compose(self, user_id: str, count: int, profile: Profile, now: datetime) -> SendText | None:
        """The ``count``-th nudge for this person (0-based), or ``None`` to send none."""


class EngineError(Exception):
    """A bug in the engine or the dialogues: the runtime answers kindly and keeps state."""


class Engine:
    """Runs validated dialogues.  Immutable; one instance serves every conversation."""

    def __init__(
        self,
        dialogues: DialogueSet,
        services: Services,
        *,
        router: Router | None = None,
        nudges: NudgeComposer | None = None,
        prompts: PromptLibrary | None = None,
        nudge_grace: timedelta = NUDGE_GRACE,
        quote_chars: int = 120,
        max_answer_chars: int = 4000,
    ) -> None:
        self.dialogues = dialogues
        self.services = services
        # Free text is routed only to exercises that are loaded.
        self.router = router or Router(available=dialogues.dialogues.keys())
        self.nudges = nudges
        self.prompts = prompts
        """The daily prompts of group wellness channels."""
        self.nudge_grace = nudge_grace
        self.quote_chars = quote_chars
        self.max_answer_chars = max_answer_chars

    def step(self, state: ConversationState, turn: Turn) -> Outcome:
        """Apply one turn.  ``state`` is not modified; the new state is returned."""
        run = _Run(self, state.clone(), turn)
        run.handle()
        group = run.group if run.group is not None and run.group != turn.group else None
        return Outcome(run.state, run.actions, group, tuple(run.drop_wins))


@dataclass
class _Run:
    """The working memory of one :meth:`Engine.step` call."""

    engine: Engine
    state: ConversationState
    turn: Turn
    actions: list[Action] = field(default_factory=list)
    profile: Profile = field(init=False)
    group: GroupState | None = field(init=False)
    drop_wins: list[int] = field(default_factory=list)
    steps_taken: int = 0

    def __post_init__(self) -> None:
        self.profile = self.turn.profile.model_copy()
        self.group = self.turn.group.clone() if self.turn.group is not None else None

    # --- dispatch -------------------------------------------------------------

    def handle(self) -> None:
        event = self.turn.event
        if event.kind in PERSON_KINDS:
            self.state.active_at = self.turn.now
        if event.kind in ASSESSED_KINDS and event.text:
            self.state.recent, self.state.recent_at = remember(
                self.state.recent, self.state.recent_at, event.text, self.turn.now,
                verdict=self.turn.risk.level != "none")
        if event.kind == "wake":
            self.wake(event.choice or "")
        elif event.kind == "nudge":
            self.nudge()
        elif event.kind == "from_group":
            self.from_group()
        elif event.chat_kind == "group":
            GroupTurn(self).handle()
        elif event.kind == "command":
            # The words after a command are read first: "/talk I want to die" is
            # a crisis before it is a request to talk.
            if not self.answer_risk(event.text):
                self.command(event.command or "", event.text)
        elif event.kind == "choice":
            self.press(event.choice or "")
        else:
            self.text(event.text)
        self.run()

    def from_group(self) -> None:
        """A private turn that follows a group turn (see :class:`bot.types.ReachOut`)."""
        event = self.turn.event
        if event.choice == "crisis":
            self.state.crisis_at = self.turn.now
            self.start(CRISIS_FROM_GROUP)
        elif event.choice == "alert":
            inputs: dict[str, Value] = {"link": event.text} if event.text else {}
            self.start(GROUP_ALERT, inputs=inputs)

    def answer_risk(self, raw: str) -> bool:
        """Start the crisis or concern dialogue when the safety layer found risk in
        what the person typed; whether it did (then nothing else answers them)."""
        risk = self.turn.risk
        current = self.state.current
        safety = self.engine.dialogues.safety
        if (current is not None and any(f.dialogue in safety for f in self.state.stack)
                and risk.learned_only):
            return False
        if risk.level == "crisis":
            self.state.crisis_at = self.turn.now
            self.start(CRISIS, inputs={"topic": risk.topic} if risk.topic else None)
            return True
        if risk.level == "concern" and (
            current is None or current.dialogue not in (CRISIS, CONCERN)
        ):
            # Outside an exercise the worrying message is kept, so that after
            # "yes, I'm safe" it can still be talked through.
            inputs: dict[str, Value] = {} if current else {"message": raw.strip()}
            self.start(CONCERN, mode="call", inputs=inputs)
            return True
        return False

    def text(self, raw: str) -> None:
        current = self.state.current
        if self.answer_risk(raw):
            return
        text = raw.strip()
        if not text:
            self.say_line("empty_message")
            self.reprompt()
            return
        key = answer_key(text)
        if key in STOP_ANSWERS:
            self.command(STOP, "")
            return
        if key in HELP_ANSWERS:
            self.command(SOS, "")
            return
        if len(text) > self.engine.max_answer_chars:
            text = text[: self.engine.max_answer_chars]
            self.say_line("too_long")
        if current is None:
            self.route(text)
        else:
            self.answer(current, text)

    def command(self, name: str, args: str) -> None:
        name = name.casefold()
        if name == RESUME_COMMAND:
            self.resume()
            return
        if args.strip() == PRIVATE_CHAT_PAYLOAD and self.state.stack:
            # "Continue in private", pressed in a group, while an exercise is
            # already running here: carry on with it rather than start over.
            self.say_line("back_to_question")
            self.reprompt()
            return
        dialogue_id = self.engine.dialogues.commands.get(name)
        payload = args.strip().casefold()
        if name == "start" and payload != "start" and payload in self.engine.dialogues.commands:
            # A deep link that names a command ("check in privately" under a group
            # check-in) opens that dialogue straight away.
            dialogue_id = self.engine.dialogues.commands[payload]
        if dialogue_id is None:
            self.say_line("unknown_command", command="/" + shorten(name, 32))
            self.reprompt()
            return
        if self.onboard_first(dialogue_id):
            return
        inputs: dict[str, Value] = {}
        if dialogue_id == STOP and self.recent_crisis():
            # Stopping soon after a crisis: the goodbye keeps the way back to help.
            inputs["after_crisis"] = "yes"
        self.start(dialogue_id, inputs=inputs)

    def recent_crisis(self) -> bool:
        """Whether this person was in crisis within the last day."""
        crisis_at = self.state.crisis_at
        return crisis_at is not None and self.turn.now - crisis_at < CRISIS_MEMORY

    def wake(self, token: str) -> None:
        """A timer this conversation set has run out.  Stale timers pass silently:
        the person has moved on, and a late message would only confuse.  The
        ``reopen`` token is no timer: a chat opened again asks its waiting question."""
        kind, _, rest = token.partition(":")
        frame = self.state.current
        if kind == PAUSE_TOKEN:
            if frame is not None and rest == self.pause_ref(frame) and frame.asked:
                step = self.step_of(frame)
                if isinstance(step, PauseStep):
                    self.goto(frame, step.next)
        elif kind == REOPEN_TOKEN:
            if frame is not None and frame.asked and isinstance(self.step_of(frame), AskStep):
                self.say_line("back_to_question")
                self.reprompt()
        elif (
            kind == START_TOKEN
            and rest in self.engine.dialogues.dialogues
            and self.turn.event.chat_kind == "private"
            and not self.profile.unreachable
        ):
            self.start(rest)

    def nudge(self) -> None:
        """A scheduled nudge is due.  None is sent to someone busy with the bot right
        now, within a day of a crisis (the agreed check-in comes instead), or
        when it is found too late (the bot was down).

        A question left waiting long ago (most people end at the menu) does not
        hold nudges back: it is put aside, resumable, so that what the person
        writes after the nudge is read afresh rather than as that old answer.
        """
        composer = self.engine.nudges
        crisis_at = self.state.crisis_at
        active_at = self.state.active_at
        busy = active_at is not None and self.turn.now - active_at < BUSY_FOR
        if (
            composer is None
            or (self.state.stack and busy)
            or (crisis_at is not None and self.turn.now - crisis_at < CRISIS_MEMORY)
            or self.turn.now - self.turn.event.at > self.engine.nudge_grace
        ):
            return
        count = self.state.said.get(NUDGE_COUNTER, 0)
        message = composer.compose(self.turn.event.key.user_id, count, self.profile,
                                   self.turn.now)
        if message is not None:
            self.suspend_running()
            self.state.said[NUDGE_COUNTER] = count + 1
            self.actions.append(message)

    def launch(self, dialogue_id: str) -> None:
        """A launcher button: start its dialogue, whatever is running."""
        if dialogue_id not in self.engine.dialogues.dialogues:
            self.say_line("stale_button")
            self.reprompt()
            return
        if not self.onboard_first(dialogue_id):
            self.start(dialogue_id)

    def onboard_first(self, dialogue_id: str) -> bool:
        """Start onboarding instead when this person has not had it and the dialogue
        needs it; what they asked for starts when onboarding ends.  Whether it did."""
        if self.profile.onboarded or dialogue_id in self.engine.dialogues.before_onboarding:
            return False
        # The welcome comes first; what they asked for follows it.
        self.start(ONBOARDING, inputs={ASKED_FOR: dialogue_id})
        return True

    def press(self, payload: str) -> None:
        ref = parse_choice(payload)
        if ref is not None and ref.dialogue == LAUNCH:
            self.launch(ref.option)
            return
        frame = self.state.current
        step = self.step_of(frame) if frame is not None else None
        if ref is None or frame is None or (ref.dialogue, ref.step) != (frame.dialogue, frame.step):
            self.say_line("stale_button")
            self.reprompt()
            return
        if isinstance(step, AskChoiceStep):
            self.choose(frame, step, ref)
        elif (
            isinstance(step, AskScaleStep)
            and parse_scale(ref.option, step.min, step.max) is not None
        ):
            self.save(frame, step.save, int(ref.option))  # a zero is an answer too
            self.count(frame, ANSWERED)
            self.goto(frame, step.next)
        elif (isinstance(step, AskTextStep | AskScaleStep)
              and ref.option in self.text_buttons(step)):
            self.press_text_button(frame, step, ref.option)
        else:
            self.say_line("stale_button")
            self.reprompt()

    def route(self, text: str) -> None:
        route = self.engine.router.route(text, self.profile, recent_crisis=self.recent_crisis())
        self.start(route.dialogue, inputs=route.inputs)

    # --- answering questions --------------------------------------------------

    def answer(self, frame: Frame, text: str) -> None:
        step = self.step_of(frame)
        if isinstance(step, PauseStep):
            # They wrote during the pause: they are ready, go on now (the timer
            # will find the pause over and stay quiet).
            self.goto(frame, step.next)
        elif isinstance(step, AskChoiceStep):
            self.answer_choice(frame, step, text)
        elif isinstance(step, AskScaleStep):
            self.answer_scale(frame, step, text)
        elif isinstance(step, AskTextStep):
            self.answer_text(frame, step, text)
        else:
            raise EngineError(f"conversation rests on a step that asks nothing: {frame.step}")

    def answer_choice(self, frame: Frame, step: AskChoiceStep, text: str) -> None:
        if not frame.other_pending:
            # A button label typed out wins over the skip words: "Not sure" is
            # an answer to "are you safe?", not a wish to skip it.
            labels = [Label(o.id, (o.label, *o.also)) for o in step.choices]
            if step.other is not None:
                labels.append(Label(OTHER_OPTION, (step.other.label,)))
            index = match_label(labels, text)
            if index is not None:
                self.choose(frame, step, ChoiceRef(frame.dialogue, frame.step, labels[index].id))
                return
        if is_skip(text) or is_unsure(text):
            self.skip(frame, step)
        elif step.other is not None:
            target = step.other.next or step.next
            if target is None:
                raise EngineError(f"'other' of {frame.step} leads nowhere")
            if step.save is not None:
                self.save(frame, step.save, text)
            self.count(frame, ANSWERED)
            self.goto(frame, target)
        else:
            # A short hint: the question and its buttons are still on screen.
            self.say_line("choose_please", count=str(len(step.choices)))

    def answer_scale(self, frame: Frame, step: AskScaleStep, text: str) -> None:
        number = parse_number(text, step.min, step.max)
        if number is not None:
            self.save(frame, step.save, number)
            self.count(frame, ANSWERED)
            self.goto(frame, step.next)
        elif is_skip(text) or is_unsure(text):
            self.skip(frame, step)
        else:
            self.say_line("scale_please", low=str(step.min), high=str(step.max))

    def answer_text(self, frame: Frame, step: AskTextStep, text: str) -> None:
        # The question shows buttons ("Not sure", "Skip"): a lone number within
        # them is a press, as on every question ("1" is not a country).
        buttons = self.text_buttons(step)
        key = answer_key(text)
        if key.isdecimal() and key.isascii() and 1 <= int(key) <= len(buttons):
            self.press_text_button(frame, step, buttons[int(key) - 1])
        elif is_skip(text):
            self.skip(frame, step)
        elif is_unsure(text):
            self.unsure(frame, step)
        elif step.parse is not None:
            parser = self.engine.services.parsers.get(step.parse)
            if parser is None:
                raise EngineError(f"no parser named {step.parse}")
            parsed = parser(text)
            if parsed is None:
                # Asked again in other words, with the Skip button again.
                self.prompt(frame, step, say=step.invalid,
                            key=f"{frame.dialogue}.{frame.step}.invalid")
                return
            self.save(frame, step.save, parsed)
            self.count(frame, ANSWERED)
            self.goto(frame, step.next)
        else:
            self.save(frame, step.save, text)
            self.count(frame, ANSWERED)
            self.goto(frame, step.next)

    @staticmethod
    def text_buttons(step: AskTextStep | AskScaleStep) -> tuple[str, ...]:
        """The options under a question that takes words or a number, in order."""
        if isinstance(step, AskTextStep) and step.stuck is not None:
            return (UNSURE_OPTION, SKIP_OPTION)
        return (SKIP_OPTION,)

    def press_text_button(self, frame: Frame, step: AskTextStep | AskScaleStep,
                          option: str) -> None:
        if option == UNSURE_OPTION and isinstance(step, AskTextStep):
            self.unsure(frame, step)
        else:
            self.skip(frame, step)

    def unsure(self, frame: Frame, step: AskTextStep) -> None:
        """ "I don't know": the first time, help them find words (an example, a
        smaller question) and wait again; after that, move on kindly."""
        if step.stuck is None or frame.helped:
            self.skip(frame, step)
            return
        frame.helped = True
        label = self.pick(self.engine.dialogues.line("skip_button"), "system.skip_button", {})
        skip = Choice(self.ref(frame, SKIP_OPTION), "".join(s.text for s in label))
        self.emit(self.render(step.stuck, f"{frame.dialogue}.{frame.step}.stuck", frame.vars),
                  (skip,))

    @staticmethod
    def count(frame: Frame, counter: str) -> None:
        """Keep score of what the person did in this dialogue (see ``COUNTERS``)."""
        if counter == ANSWERED:
            frame.answered += 1
        else:
            frame.skipped += 1

    def choose(self, frame: Frame, step: AskChoiceStep, ref: ChoiceRef) -> None:
        if ref.option == OTHER_OPTION and step.other is not None:
            frame.other_pending = True
            self.say(step.other.say, key=f"{frame.dialogue}.{frame.step}.other", frame=frame)
            return
        if ref.option == SKIP_OPTION:
            self.skip(frame, step)
            return
        option = next((o for o in step.choices if o.id == ref.option), None)
        if option is None:
            self.say_line("stale_button")
            self.reprompt()
            return
        if step.save is not None and option.saves:
            self.save(frame, step.save, option.value if option.value is not None else option.id)
        self.count(frame, ANSWERED)
        target = option.next or step.next
        if target is None:
            raise EngineError(f"choice {option.id} leads nowhere")
        self.goto(frame, target)

    def skip(self, frame: Frame, step: Step) -> None:
        if isinstance(step, PauseStep):
            self.goto(frame, step.next)
            return
        if isinstance(step, AskTextStep | AskScaleStep):
            target: str | None = step.skip or step.next
            frame.vars.pop(step.save, None)
        elif isinstance(step, AskChoiceStep):
            target = step.skip or step.next
            if step.save is not None:
                frame.vars.pop(step.save, None)
        else:
            target = None
        if target is None:
            self.say_line("choose_please")
            self.reprompt()
            return
        self.say_line("skipped")
        self.count(frame, SKIPPED)
        self.goto(frame, target)

    def save(self, frame: Frame, name: str, value: Value) -> None:
        frame.vars[name] = value

    # --- moving through dialogues ---------------------------------------------

    def start(
        self, dialogue_id: str, *, mode: str | None = None, inputs: dict[str, Value] | None = None
    ) -> None:
        """Start a dialogue, doing to the running one what its ``interrupt`` says."""
        dialogue = self.engine.dialogues[dialogue_id]
        mode = mode or dialogue.interrupt
        if mode == "discard":
            self.state.stack.clear()
            self.state.suspended.clear()
        elif mode == "suspend":
            self.suspend_running()
        if PAUSED in dialogue.inputs and self.state.suspended:
            paused = self.engine.dialogues[self.state.suspended[0].dialogue].title
            inputs = {**(inputs or {}), PAUSED: paused}
        self.push(dialogue, inputs or {})

    def suspend_running(self) -> None:
        kept_aside = self.engine.dialogues.not_resumable
        resumable = [f for f in self.state.stack if f.dialogue not in kept_aside]
        if resumable:
            self.state.suspended = resumable
        self.state.stack.clear()

    def push(
        self, dialogue: Dialogue, inputs: dict[str, Value], at_step: str | None = None
    ) -> None:
        step = at_step or dialogue.start
        if step is None:
            raise EngineError(f"dialogue {dialogue.id} cannot be started")
        accepted = {k: v for k, v in inputs.items() if k in dialogue.inputs}
        for name in dialogue.from_profile:
            value = getattr(self.profile, name, None)
            if isinstance(value, bool):
                # Branches compare text: consent reads as "yes" / "no".
                accepted[name] = "yes" if value else "no"
            elif isinstance(value, str | int):
                accepted[name] = value
        self.state.stack.append(Frame(dialogue=dialogue.id, step=step, vars=accepted))

    def resume(self) -> None:
        if not self.state.suspended:
            self.say_line("nothing_to_resume")
            self.reprompt()
            return
        self.state.stack = self.state.suspended
        self.state.suspended = []
        self.say_line("resumed")
        self.reprompt()

    def goto(self, frame: Frame, step_id: str) -> None:
        frame.step = step_id
        frame.other_pending = False
        frame.helped = False
        frame.asked = False

    def run(self) -> None:
        """Execute steps until the conversation waits for the person, or ends."""
        while (frame := self.state.current) is not None:
            self.steps_taken += 1
            if self.steps_taken > MAX_STEPS_PER_TURN:
                raise EngineError(f"dialogue {frame.dialogue} did not wait for an answer")
            step = self.step_of(frame)
            if isinstance(step, PauseStep):
                if not frame.asked:
                    self.pause(frame, step)
                return
            if isinstance(step, AskStep):
                if not frame.asked:
                    self.prompt(frame, step)
                return
            self.execute(frame, step)

    def pause(self, frame: Frame, step: PauseStep) -> None:
        frame.asked = True
        if step.say is not None:
            self.say(step.say, key=f"{frame.dialogue}.{frame.step}", frame=frame)
        # Numbered, so that the timer of an earlier pause on the same step (a
        # breathing round begun again) cannot end this one early.
        self.state.said[PAUSE_TOKEN] = self.state.said.get(PAUSE_TOKEN, 0) + 1
        token = f"{PAUSE_TOKEN}:{self.pause_ref(frame)}"
        self.actions.append(ScheduleWake(float(step.seconds), token))

    def pause_ref(self, frame: Frame) -> str:
        """Which pause a timer belongs to: the step, and the how-manyth pause it is."""
        return f"{frame.dialogue}:{frame.step}:{self.state.said.get(PAUSE_TOKEN, 0)}"

    def execute(self, frame: Frame, step: Step) -> None:
        key = f"{frame.dialogue}.{frame.step}"
        match step:
            case SayStep():
                segments = self.render(step.say, key, frame.vars)
                link = None
                if step.private_button is not None:
                    link = Choice(PRIVATE_CHAT_PAYLOAD, step.private_button)
                self.actions.append(SendText(segments, private_link=link))
                self.goto(frame, step.next)
            case FollowUpStep():
                due = self.turn.now + timedelta(hours=step.after_hours)
                self.set_profile_values({"follow_up_at": due.isoformat()})
                self.actions.append(
                    ScheduleWake(step.after_hours * 3600.0, f"{START_TOKEN}:{step.dialogue}")
                )
                self.goto(frame, step.next)
            case RemindStep():
                self.actions.append(
                    ScheduleWake(step.after_hours * 3600.0, f"{START_TOKEN}:{step.dialogue}")
                )
                self.goto(frame, step.next)
            case LaunchStep():
                choices = tuple(Choice(launcher(item.dialogue, frame.dialogue), item.label)
                                for item in step.items)
                self.emit(self.render(step.say, key, frame.vars), choices)
                self.goto(frame, step.next)
            case ShowJournalStep():
                empty = self.render(step.empty, f"{key}.empty", frame.vars)
                self.actions.append(ShowJournal(step.entries, step.limit, empty))
                self.goto(frame, step.next)
            case ProgressStep():
                self.actions.append(ShowProgress(step.days))
                self.goto(frame, step.next)
            case BranchStep():
                self.goto(frame, self.branch(frame, step))
            case GotoStep():
                self.follow(frame, step)
            case SetProfileStep():
                if self.profile.consent or not step.only_with_consent:
                    self.set_profile(frame, step)
                self.goto(frame, step.next)
            case JournalStep():
                data: dict[str, Value] = {
                    name: frame.vars[name] for name in step.fields if name in frame.vars
                }
                if self.profile.consent and data:
                    # Which exercise wrote it: the progress chart marks exercise days.
                    self.actions.append(RecordJournal(step.entry, {**data,
                                                                   "dialogue": frame.dialogue}))
                self.goto(frame, step.next)
            case ResourcesStep():
                if step.say is not None:
                    self.say(step.say, key=key, frame=frame)
                topic = frame.vars.get("topic")
                block = self.engine.services.crisis_resources(
                    self.profile.country, topic if isinstance(topic, str) else None)
                self.emit((Segment(block),))
                self.goto(frame, step.next)
            case ExportStep():
                self.actions.append(RequestExport())
                self.goto(frame, step.next)
            case ForgetStep():
                self.forget(frame)
                self.goto(frame, step.next)
            case EndStep():
                if step.say is not None:
                    self.say(step.say, key=key, frame=frame)
                self.finish()
            case _:
                raise EngineError(f"step kind {type(step).__name__} cannot run unattended")

    def follow(self, frame: Frame, step: GotoStep) -> None:
        target = self.engine.dialogues[step.dialogue]
        inputs = {theirs: frame.vars[ours] for theirs, ours in step.pass_vars.items()
                  if ours in frame.vars}
        if step.call:
            # The caller stays on this goto step; finish() moves it on to `next`.
            self.push(target, inputs, step.step)
            return
        self.state.stack.pop()
        if target.interrupt == "suspend":
            self.suspend_running()
        self.push(target, inputs, step.step)

    def finish(self) -> None:
        done = self.state.stack.pop()
        asked_for = done.vars.get(ASKED_FOR)
        if isinstance(asked_for, str) and asked_for in self.engine.dialogues.dialogues:
            # Onboarding is over: now what the person asked for in the first place.
            self.start(asked_for)
            return
        caller = self.state.current
        if caller is None:
            return
        step = self.step_of(caller)
        if isinstance(step, GotoStep) and step.next is not None:
            self.goto(caller, step.next)
        else:
            # Back from something said in between (help, a safety check): ask again.
            self.say_line("back_to_question")
            caller.asked = False

    def branch(self, frame: Frame, step: BranchStep) -> str:
        for case in step.cases:
            if _holds(case.when, frame):
                return case.next
        return step.default

    def set_profile(self, frame: Frame, step: SetProfileStep) -> None:
        changes: dict[str, object] = {}
        for name, value in step.fields.items():
            if isinstance(value, str):
                match = PLACEHOLDER.fullmatch(value)
                if match is not None and match.group(1) == "now":
                    changes[name] = self.turn.now.isoformat()
                    continue
                if match is not None:
                    if match.group(1) not in frame.vars:
                        continue
                    changes[name] = frame.vars[match.group(1)]
                    continue
            changes[name] = value
        self.set_profile_values(changes)

    def set_profile_values(self, changes: dict[str, object]) -> None:
        if changes:
            self.profile = Profile.model_validate({**self.profile.model_dump(), **changes})
            self.actions.append(UpdateProfile(changes))

    def forget(self, frame: Frame) -> None:
        """Everything about the person goes; only the running dialogue stays."""
        self.actions.append(ForgetUser())
        self.profile = Profile()
        self.state.stack = [frame]
        frame.vars.clear()
        self.state.suspended = []
        self.state.said = {}

    # --- saying things --------------------------------------------------------

    def step_of(self, frame: Frame) -> Step:
        try:
            return self.engine.dialogues[frame.dialogue].steps[frame.step]
        except KeyError as exc:
            raise EngineError(f"unknown position {frame.dialogue}.{frame.step}") from exc

    def prompt(
        self, frame: Frame, step: AskStep,
        *, say: Variants | None = None, key: str | None = None,
    ) -> None:
        """Ask the step's question (or ``say`` instead), with its buttons."""
        frame.asked = True
        choices: list[Choice] = []
        if isinstance(step, AskChoiceStep):
            choices = [Choice(self.ref(frame, o.id), o.label) for o in step.choices]
            if step.other is not None:
                choices.append(Choice(self.ref(frame, OTHER_OPTION), step.other.label))
        else:
            if isinstance(step, AskScaleStep):
                # A scale's buttons are typed as their own numbers, never as
                # positions in a list ("1" means 1, not the first button, 0).
                choices = [Choice(self.ref(frame, str(n)), str(n), shortcut=str(n))
                           for n in range(step.min, step.max + 1)]
            if UNSURE_OPTION in self.text_buttons(step):
                label = self.pick(self.engine.dialogues.line("unsure_button"),
                                  "system.unsure_button", {})
                choices.append(Choice(self.ref(frame, UNSURE_OPTION),
                                      "".join(s.text for s in label)))
            label = self.pick(self.engine.dialogues.line("skip_button"), "system.skip_button", {})
            choices.append(Choice(self.ref(frame, SKIP_OPTION), "".join(s.text for s in label),
                                  shortcut="skip" if isinstance(step, AskScaleStep) else None))
        segments = self.render(say or step.say, key or f"{frame.dialogue}.{frame.step}",
                               frame.vars)
        self.emit(segments, tuple(choices))

    def reprompt(self) -> None:
        frame = self.state.current
        if frame is None:
            return
        step = self.step_of(frame)
        if isinstance(step, PauseStep):
            return  # nothing to ask again: the pause ends by itself
        if isinstance(step, AskStep):
            if frame.other_pending and isinstance(step, AskChoiceStep) and step.other:
                self.say(step.other.say, key=f"{frame.dialogue}.{frame.step}.other", frame=frame)
            else:
                self.prompt(frame, step)

    @staticmethod
    def ref(frame: Frame, option: str) -> str:
        return ChoiceRef(frame.dialogue, frame.step, option).encode()

    def say(self, variants: Variants, *, key: str, frame: Frame) -> None:
        self.emit(self.render(variants, key, frame.vars))

    def say_line(self, name: str, **values: str) -> None:
        self.emit(self.render(self.engine.dialogues.line(name), f"system.{name}", values,
                              quote=False))

    def emit(self, segments: tuple[Segment, ...], choices: tuple[Choice, ...] = ()) -> None:
        self.actions.append(SendText(segments, choices))

    def render(
        self, variants: Variants, key: str, values: dict[str, Value] | dict[str, str],
        *, quote: bool = True,
    ) -> tuple[Segment, ...]:
        chosen = self.pick(variants, key, values)
        if quote:
            return chosen
        return tuple(Segment(s.text) for s in chosen)

    def pick(
        self, variants: Variants, key: str, values: dict[str, Value] | dict[str, str]
    ) -> tuple[Segment, ...]:
        """Choose a wording this person has not heard lately, and fill it in.

        Each person gets their own shuffled order of a line's wordings (seeded
        by their id, so the choice is deterministic and needs no stored random
        state); a counter per line walks through it, so no wording repeats
        until all have been used.  Wordings that quote a skipped answer
        without a fallback are passed over.
        """
        # An answer of emoji only ("😔😔") is met in other words, never quoted:
        # for wording it counts as unsaid.
        values = {k: v for k, v in values.items() if not isinstance(v, str) or quotable(v)}
        # Prefer wordings whose quotes all have an answer; a fallback ("{story|it}")
        # reads worse than a wording written for the skipped case.
        usable = [i for i, text in enumerate(variants) if fillable(text, values, strict=True)]
        usable = usable or [i for i, text in enumerate(variants) if fillable(text, values)]
        usable = usable or list(range(len(variants)))
        if len(variants) == 1:
            return self.fill(variants[0], values)
        count = self.state.said.get(key, 0)
        self.state.said[key] = count + 1
        order = rotation(self.turn.event.key.user_id, key, len(variants), count // len(variants))
        start = count % len(variants)
        rotated = order[start:] + order[:start]
        index = next(i for i in rotated if i in usable)
        return self.fill(variants[index], values)

    def fill(self, text: str, values: dict[str, Value] | dict[str, str]) -> tuple[Segment, ...]:
        return fill(text, values, self.engine.quote_chars)


def _holds(condition: Condition, frame: Frame) -> bool:
    value = frame.value(condition.var)
    if condition.is_set is not None:
        return (value is not None) == condition.is_set
    if value is None:
        return False
    if condition.equals is not None:
        return str(value) == condition.equals
    if condition.one_of is not None:
        return str(value) in condition.one_of
    if condition.above is not None or condition.below is not None:
        other = frame.value(condition.above or condition.below or "")
        if not isinstance(value, int) or not isinstance(other, int):
            return False
        return value > other if condition.above is not None else value < other
    if condition.contains_word is not None:
        found = set(words(str(value)))
        for word in condition.contains_word:
            if word in found:
                if condition.capture is not None:
                    frame.vars[condition.capture] = word
                return True
        return False
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        return False
    number = int(value)
    if condition.at_least is not None:
        return number >= condition.at_least
    if condition.at_most is not None:
        return number <= condition.at_most
    return False
