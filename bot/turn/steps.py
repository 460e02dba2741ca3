"""Running a dialogue's steps until it waits for the person (a question, a pause)
or ends: the steps that need no answer (say, branch, journal, set a timer, ...).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.choices import launcher
from bot.dialogue.spec import (
    PLACEHOLDER,
    AskStep,
    BranchStep,
    Condition,
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
    ScoreStep,
    SetProfileStep,
    ShowJournalStep,
    Step,
    StopFollowUpsStep,
    SummaryStep,
)
from bot.measures import SCALES, answers_from, score
from bot.safety.resources import resource_words
from bot.state import Frame, Profile, Value
from bot.text import words
from bot.turn.context import EngineError
from bot.turn.moving import Moving
from bot.types import (
    Choice,
    CountSafety,
    ForgetUser,
    RecordJournal,
    RequestExport,
    RequestSummary,
    ScheduleWake,
    Segment,
    SendText,
    ShowJournal,
    ShowProgress,
    UpdateProfile,
)

# The start payload of a "continue in private" button; /start with it opens the menu.
PRIVATE_CHAT_PAYLOAD = "from_group"
# Timer tokens: a pause ending ("pause:dialogue:step"), a dialogue to start ("start:dialogue").
PAUSE_TOKEN = "pause"  # noqa: S105 - a timer's name, not a secret
START_TOKEN = "start"  # noqa: S105
# A check-in after a crisis: "follow:<dialogue>:<series>:<round>".  The series is
# the agreement's own stamp, kept in the profile: a newer agreement, or "I'm fine,
# no more", makes the older timers stale, so there are never more than agreed.
FOLLOW_TOKEN = "follow"  # noqa: S105
# The resources' topic for children and young people (someone under the minimum age).
YOUNG_PEOPLE = "young_people"
# A dialogue set that passes validation cannot loop; this guards the engine
# against a bug anyway, so one broken turn never hangs a worker.
MAX_STEPS_PER_TURN = 200


class Steps(Moving):
    """A turn that can run a dialogue's steps."""

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
                if frame.asked:
                    return
                if self.answered_already(frame, step):
                    continue
                self.prompt(frame, step)
                return
            self.execute(frame, step)

    def answered_already(self, frame: Frame, step: AskStep) -> bool:
        """Whether what the person said before answers this question (see
        :attr:`AskScaleStep.answered_by`); answering reads it."""
        return False

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
                self.follow_ups(step)
                self.goto(frame, step.next)
            case StopFollowUpsStep():
                if self.profile.follow_ups:
                    self.set_profile_values({"follow_ups": None, "follow_up_at": None})
                self.goto(frame, step.next)
            case ScoreStep():
                self.score(frame, step)
                self.goto(frame, step.next)
            case SummaryStep():
                include_plan = step.plan is not None and frame.vars.get(step.plan) == "yes"
                self.actions.append(RequestSummary(step.days, include_plan))
                self.goto(frame, step.next)
            case RemindStep():
                self.actions.append(
                    ScheduleWake(step.after_hours * 3600.0, f"{START_TOKEN}:{step.dialogue}")
                )
                self.goto(frame, step.next)
            case LaunchStep():
                # Nothing is offered that would then be refused: someone under the
                # minimum age sees only what is open to them.
                choices = tuple(Choice(launcher(item.dialogue, frame.dialogue), item.label)
                                for item in step.items
                                if not self.profile.under_age
                                or self.open_to_young(item.dialogue))
                if choices:  # an offer of nothing is not made at all
                    self.emit(self.render(step.say, key, frame.vars), choices)
                    self.state.offered = {choice.label: choice.id for choice in choices}
                self.goto(frame, step.next)
            case ShowJournalStep():
                empty = self.render(step.empty, f"{key}.empty", frame.vars)
                header = (() if step.header is None
                          else self.render(step.header, f"{key}.header", frame.vars))
                self.actions.append(ShowJournal(step.entries, step.limit, empty, header))
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
                if (self.profile.consent or step.on_request) and data:
                    # Which exercise wrote it: the progress chart marks exercise days.
                    self.actions.append(RecordJournal(step.entry, {**data,
                                                                   "dialogue": frame.dialogue}))
                self.goto(frame, step.next)
            case ResourcesStep():
                if step.say is not None:
                    self.say(step.say, key=key, frame=frame)
                self.actions.append(CountSafety("resources"))
                topic = step.topic or frame.vars.get("topic")
                if topic in (None, "suicide") and self.profile.under_age:
                    topic = YOUNG_PEOPLE  # their own lines first, then the usual ones
                # Children's lines (Childline) are for whoever might be young: all
                # but a person who said at onboarding that they are an adult.
                adult = self.profile.onboarded and not self.profile.under_age
                block = self.engine.services.crisis_resources(
                    self.profile.country, topic if isinstance(topic, str) else None,
                    resource_words(self.dialogues["system"].lines, self.locale), adult)
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

    def follow_ups(self, step: FollowUpStep) -> None:
        """Remember the check-ins agreed to and set a timer for each; an earlier
        agreement's timers become stale (see :data:`FOLLOW_TOKEN`)."""
        due = [(self.turn.now + timedelta(hours=hours)).isoformat()
               for hours in step.after_hours]
        self.set_profile_values({"follow_up_at": due[0], "follow_ups": due})
        series = follow_up_series(due)
        for number, hours in enumerate(step.after_hours, start=1):
            token = f"{FOLLOW_TOKEN}:{step.dialogue}:{series}:{number}"
            self.actions.append(ScheduleWake(hours * 3600.0, token))

    def score(self, frame: Frame, step: ScoreStep) -> None:
        """Score the answers; the scores become variables, or stay unset."""
        scale = SCALES[step.scale]
        scores = score(step.scale, answers_from(step.prefix, frame.vars))
        if scores is None:
            return
        for name, value in scores.items():
            frame.vars[f"{step.prefix}{name}"] = (
                f"{value:.2f}" if scale.total == "mean" else int(value))

    def branch(self, frame: Frame, step: BranchStep) -> str:
        for case in step.cases:
            if _holds(case.when, frame, self.turn.now):
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


def follow_up_series(agreed: list[str] | None) -> str | None:
    """Which agreement a check-in timer belongs to: the stamp of its first check-in
    (``None`` when no check-ins stand)."""
    if not agreed:
        return None
    try:
        return str(int(datetime.fromisoformat(agreed[0]).timestamp()))
    except ValueError:
        return None


def _holds(condition: Condition, frame: Frame, now: datetime) -> bool:
    value = frame.value(condition.var)
    if condition.is_set is not None:
        return (value is not None) == condition.is_set
    if value is None:
        return False
    if condition.within_days is not None:
        try:
            at = datetime.fromisoformat(str(value))
        except ValueError:
            return False
        return timedelta(0) <= now - at < timedelta(days=condition.within_days)
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
    if isinstance(value, str) and not (value.lstrip("-").isdecimal() and value.isascii()):
        return False  # words, or digits int() cannot read ("²")
    number = int(value)
    if condition.at_least is not None:
        return number >= condition.at_least
    if condition.at_most is not None:
        return number <= condition.at_most
    return False
