"""One event to the part of a turn that handles it.

Order of precedence (see :mod:`bot.engine`): a risk verdict first, then
commands and the words "stop" and "help", then a button press for the question
being asked, then text as an answer or, outside an exercise, for the router.
Timers, nudges, group events and private turns that follow a group turn have
sections of their own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import assert_never

from bot.answers import Label, match_label
from bot.dialogue.loader import RESUME_COMMAND
from bot.dialogue.locales import (
    GOODBYE_MEANING,
    HELP_MEANING,
    STOP_MEANING,
    pick_locale,
    plain_key,
)
from bot.dialogue.spec import AskChoiceStep
from bot.groups.turn import GroupTurn
from bot.nudges.turn import nudge
from bot.safety.context import remember
from bot.state import Frame, Value
from bot.text import (
    HELLO_AND_GOODBYE,
    HELP_ANSWERS,
    STOP_ANSWERS,
    answer_key,
    is_goodbye,
    shorten,
)
from bot.turn.answering import Answering
from bot.turn.steps import PRIVATE_CHAT_PAYLOAD
from bot.turn.timers import Timers
from bot.types import (
    THIRD_PARTY_REASON,
    ButtonPress,
    ChatOpened,
    CommandMessage,
    FromGroup,
    GroupDue,
    NudgeDue,
    PollCounts,
    TextMessage,
    TimerDue,
)

# Dialogues the engine starts by itself.
CRISIS = "crisis"
CONCERN = "concern"
# Where a person coming back within a day of a crisis is met: first, are they safe.
LISTEN = "listen"
STOP = "stop"
SOS = "sos"
CRISIS_FROM_GROUP = "crisis_from_group"
GROUP_ALERT = "group_alert"
# After "yes, I'm safe", the learned layers' concern alone does not ask again for
# this long: asked three times in one conversation, people stop answering.  Rule
# verdicts and any crisis verdict still act at once.
SAFE_FOR = timedelta(hours=1)
# A crisis verdict within this long of the last, while the crisis conversation is
# still running about the same thing, is answered by that conversation itself.
CRISIS_RUNNING = timedelta(hours=1)
SUICIDE = "suicide"
# Rule families that say the danger is near (an act already taken, a plan, the
# means), most urgent first: the first found is the crisis dialogue's `danger`
# input (means at hand are met with "put it out of reach", the others with "are you
# safe now?"); told in the middle of the crisis conversation, they start it again,
# lines first, rather than be heard as more of the same.
DANGER_ORDER = ("act_taken", "plan", "means")
IMMINENT = frozenset(DANGER_ORDER)
# The crisis dialogue's question about thoughts of suicide saves its answer here: a
# plan or means told there is heard as new danger, not as its "yes".
THOUGHTS = "thoughts"
# Rule families that say the person already told us they think of killing
# themselves: the crisis conversation does not ask it again as if unheard; it
# checks it understood (a trial's "I want to kill myself" was asked "are you
# thinking about killing yourself?").
STATED = frozenset({"ideation"})
# What the safety layers heard in the words typed last in the crisis conversation or
# the concern check, for their branches: "сегодня ночью всё закончу" (tonight I end
# it all) typed at "are you having thoughts of ending your life?" holds none of the
# English words the branch looks for, and was asked the question again (a trial);
# any layer's crisis there is at least a "yes".
HEARD = "heard"
# An overdose already taken: while its crisis conversation runs (within the hour),
# thoughts of suicide told after it ("I just want to die") are part of it, answered
# with the emergency call still in front, not a new conversation whose "no, I'm
# okay" would end it as a misread (a trial).
OVERDOSE = "overdose"
# Topics the concern check keeps (a trial's "I took some of my pills earlier" was
# checked, then asked about suicidal thoughts): if it leads to the crisis lines, they
# and what follows are that topic's.
CHECK_TOPICS = frozenset({OVERDOSE, "abuse"})
# Commands people guess (a trial typed /menu): the command they mean.
COMMAND_ALIASES = {"menu": "start", "home": "start", "exercises": "tools",
                   "quit": "stop", "cancel": "stop", "crisis": "sos"}
# "You are talking to a bot, not a person" (New York's and California's rules for
# companion bots): after this long away, after this long of use, and a gap longer
# than this starts a new stretch of use.
AWAY = timedelta(days=7)
LONG_USE = timedelta(hours=3)
SESSION_GAP = timedelta(minutes=30)
# Only a short message is searched for "are you a real person?" inside it: in a
# long one those words are part of a story ("my boss asked me, are you real?").
HUMAN_QUESTION_CHARS = 60
# Events a person makes (the others come from the scheduler or the runtime).
PERSON_EVENTS = (TextMessage, CommandMessage, ButtonPress)
ASSESSED_EVENTS = (TextMessage, CommandMessage)
"""Events whose text the person typed, read by the safety layer with its context."""


class Run(Answering, Timers):
    """The working memory of one :meth:`bot.engine.Engine.step` call, with every
    concern of a turn; it is the :class:`~bot.turn.context.TurnContext` that the
    group and nudge sections are given."""

    def handle(self) -> None:
        event = self.turn.event
        # Launcher buttons can be typed only in the very next message.
        offered, self.state.offered = self.state.offered, {}
        if isinstance(event, PERSON_EVENTS):
            if event.chat_kind == "private":
                self.remind_bot()
            self.state.active_at = self.turn.now
        if (self.engine.locales and isinstance(event, TextMessage | CommandMessage)
                and event.chat_kind == "private"
                and self.profile.locale is None and not self.profile.onboarded):
            # Someone new: speak their language from the first reply on.
            infos = {code: locale.info for code, locale in self.engine.locales.items()}
            self.set_profile_values({"locale": pick_locale(
                event.language, event.text, infos, self.turn.risk.language)})
        if isinstance(event, ASSESSED_EVENTS) and event.text:
            self.state.recent, self.state.recent_at = remember(
                self.state.recent, self.state.recent_at, event.text, self.turn.now,
                crisis=self.turn.risk.level == "crisis")
        match event:
            case TimerDue():
                self.wake(event.token)
            case ChatOpened():
                self.reopen()
            case NudgeDue():
                nudge(self)
            case FromGroup():
                self.from_group(event)
            case GroupDue() | PollCounts():
                GroupTurn(self).handle()
            case _ if event.chat_kind == "group":
                GroupTurn(self).handle()
            case CommandMessage():
                # The words after a command are read first: "/talk I want to die" is
                # a crisis before it is a request to talk.
                if not self.answer_risk(event.text):
                    self.command(event.command, event.text)
            case ButtonPress():
                self.press(event.choice)
            case TextMessage():
                self.text(event.text, offered)
            case _:
                assert_never(event)
        self.run()

    def remind_bot(self) -> None:
        """Say that this is a bot, not a person, after a week away and after three
        hours of use (and at first use, which onboarding does).  Never before crisis
        lines: then it waits for the next message."""
        now, state = self.turn.now, self.state
        last = state.active_at
        if last is None or now - last > SESSION_GAP:
            state.session_at = now
        if not self.profile.onboarded or self.turn.risk.level != "none":
            return
        away = last is not None and now - last >= AWAY
        long_use = (state.session_at is not None and now - state.session_at >= LONG_USE
                    and (state.notice_at is None or now - state.notice_at >= LONG_USE))
        if away or long_use:
            self.say_line("bot_notice")
            state.notice_at = now

    def asks_if_human(self, text: str) -> bool:
        """Whether the message asks if a person is writing ("are you a real person?"),
        in any language the bot speaks, alone or in a short message."""
        key = plain_key(text)
        if key in self.engine.human_questions:
            return True
        if len(key) > HUMAN_QUESTION_CHARS:
            return False
        padded = f" {key} "
        return any(f" {question} " in padded for question in self.engine.human_questions)

    def from_group(self, event: FromGroup) -> None:
        """A private turn that follows a group turn (see :class:`bot.types.ReachOut`)."""
        if event.reason == "crisis":
            self.state.crisis_at = self.turn.now
            self.start(CRISIS_FROM_GROUP)
        elif event.reason == "alert":
            inputs: dict[str, Value] = {"link": event.link} if event.link else {}
            self.start(GROUP_ALERT, inputs=inputs)

    def answer_risk(self, raw: str) -> bool:
        """Start the crisis or concern dialogue when the safety layer found risk in
        what the person typed; whether it did (then nothing else answers them)."""
        risk = self.turn.risk
        current = self.state.current
        safety = self.dialogues.safety
        topic = risk.topic
        if current is not None and current.dialogue in (CRISIS, CONCERN):
            current.vars[HEARD] = risk.level
        if (topic or SUICIDE) == SUICIDE and self.in_crisis_about(OVERDOSE):
            topic = OVERDOSE
        if (topic == OVERDOSE and risk.level != "none"
                and self.talking_safety_about() not in (None, OVERDOSE)):
            # An overdose told in the middle of the concern or crisis conversation
            # about something else ("I took some of my pills earlier", then "I feel
            # dizzy", a trial) moves it to the overdose path, as if told first:
            # whatever layer heard it, and whatever its level.
            return self.start_crisis(raw, OVERDOSE)
        if (current is not None and any(f.dialogue in safety for f in self.state.stack)
                and risk.learned_only):
            return False
        if (risk.level == "crisis" and self.in_crisis_about(topic)
                and (not IMMINENT.intersection(risk.reasons) or self.answered_in_crisis())):
            # Already talking about exactly this: the lines and the direct questions
            # again would only repeat them ("yes, I told you already").  A plan or
            # means told in answer to the crisis conversation's own question about
            # them ("yeah, all my tablets tonight" to "have you made a plan?") is
            # that answer: the questions go on to means and the plea to reach
            # someone now.
            self.state.crisis_at = self.turn.now
            return False
        if risk.level == "crisis":
            return self.start_crisis(raw, topic)
        if risk.level == "concern" and risk.learned_only and self.said_safe_lately():
            return False
        if risk.level == "concern" and (
            current is None or current.dialogue not in (CRISIS, CONCERN)
        ):
            # Outside an exercise the worrying message is kept, so that after
            # "yes, I'm safe" it can still be talked through.
            inputs: dict[str, Value] = {} if current else {"message": raw.strip()}
            if topic in CHECK_TOPICS:
                # What it was about (an overdose, abuse): if the check leads to the
                # crisis lines, they are that topic's, and so is what follows.
                inputs["topic"] = topic
            self.start(CONCERN, mode="call", inputs=inputs)
            return True
        return False

    def start_crisis(self, raw: str, topic: str | None) -> bool:
        """Start the crisis conversation (again) for the verdict on ``raw``."""
        risk = self.turn.risk
        again = self.crisis_running() is not None
        self.state.crisis_at = self.turn.now
        crisis_inputs: dict[str, Value] = {"message": raw.strip()}
        if topic:
            crisis_inputs["topic"] = topic
        if again:
            # Started again in the middle of the safety conversation by a new
            # danger: it says so, and does not ask the country a second time.
            crisis_inputs["again"] = "yes"
        danger = next((r for r in DANGER_ORDER if r in risk.reasons), None)
        if danger is not None and THIRD_PARTY_REASON not in risk.reasons:
            # A plan, the means at hand or an act under way, told already: the
            # first question checks they are safe now, not whether they think
            # of it ("I'm on the bridge and I'm going to jump", a trial); means
            # at hand are asked to be put out of reach.  Not when the danger may
            # be someone else's ("my friend is on the bridge"): "are you somewhere
            # safe?" would be asked of the wrong person.
            crisis_inputs["imminent"] = "yes"
            crisis_inputs["danger"] = danger
        if STATED.intersection(risk.reasons):
            crisis_inputs["stated"] = "yes"
        elif risk.about_someone_else:
            crisis_inputs["about"] = "other"
        self.start(CRISIS, inputs=crisis_inputs)
        return True

    def back_after_crisis(self, text: str) -> bool:
        """Whether ``text`` is a hello to the crisis conversation, waiting since a
        crisis more than ``CRISIS_RUNNING`` ago."""
        current = self.state.current
        crisis_at = self.state.crisis_at
        return (current is not None and current.dialogue == CRISIS and crisis_at is not None
                and self.turn.now - crisis_at > CRISIS_RUNNING and self.greets(text))

    def asked_in_crisis(self) -> bool:
        """Whether the crisis conversation is at one of its own screening questions
        (a choice whose buttons are answers it keeps: thoughts, a plan, means near),
        rather than at its menu, its free writing (which keeps only typed words, to
        listen to them) or an exercise it called."""
        current = self.state.current
        if current is None or current.dialogue != CRISIS:
            return False
        step = self.step_of(current)
        return (isinstance(step, AskChoiceStep) and step.save is not None
                and any(option.saves for option in step.choices))

    def crisis_running(self) -> Frame | None:
        """The crisis conversation's frame, when it runs, begun within the hour."""
        running = next((f for f in self.state.stack if f.dialogue == CRISIS), None)
        if running is None or self.state.crisis_at is None:
            return None
        if self.turn.now - self.state.crisis_at > CRISIS_RUNNING:
            return None
        return running

    def in_crisis_about(self, topic: str | None) -> bool:
        """Whether the crisis conversation is running, begun within the hour, about the
        same thing (suicide, unless a topic was named): a new disclosure of another
        kind (an overdose taken, abuse) starts it again with its own lines first."""
        running = self.crisis_running()
        if running is None:
            return False
        return (topic or SUICIDE) == (running.vars.get("topic") or SUICIDE)

    def answered_in_crisis(self) -> bool:
        """Whether the crisis conversation is at a screening question that a plan or
        the means answer (have you made a plan? is anything near you?): not at the
        question about thoughts, where a plan or means told is more than a "yes"."""
        if not self.asked_in_crisis():
            return False
        current = self.state.current
        assert current is not None
        step = self.step_of(current)
        return isinstance(step, AskChoiceStep) and step.save != THOUGHTS

    def talking_safety_about(self) -> str | None:
        """What the crisis conversation (begun within the hour) or the concern check
        running now is about (``suicide`` unless a topic was named), or None."""
        running = self.crisis_running()
        if running is not None:
            return str(running.vars.get("topic") or SUICIDE)
        concern = next((f for f in self.state.stack if f.dialogue == CONCERN), None)
        if concern is not None:
            return str(concern.vars.get("topic") or SUICIDE)
        return None

    def said_safe_lately(self) -> bool:
        """Whether the person told us they are safe within the last ``SAFE_FOR``."""
        said = self.profile.safe_said_at
        if said is None:
            return False
        try:
            at = datetime.fromisoformat(said)
        except ValueError:
            return False
        return timedelta(0) <= self.turn.now - at < SAFE_FOR

    def text(self, raw: str, offered: dict[str, str] | None = None) -> None:
        """``offered``: the launcher buttons shown last, when nothing runs since."""
        current = self.state.current
        if self.answer_risk(raw):
            return
        if current is None and offered:
            # "2" or "breathing" typed under a list of exercises is that button.
            labels = [Label(payload, (label,)) for label, payload in offered.items()]
            index = match_label(labels, raw)
            if index is not None:
                self.press(labels[index].id)
                return
        text = raw.strip()
        if not text:
            self.say_line("empty_message")
            self.reprompt()
            return
        # "parar" and "ayuda" work anywhere, as "stop" and "help" do.  (Skip, "no sé"
        # and numbers are read where an answer is read: a button's own words first.)
        if self.asks_if_human(text):
            self.say_line("bot_notice_asked")
            self.state.notice_at = self.turn.now
            if current is not None:
                self.say_line("back_to_question")
                self.reprompt()
            return
        meant = self.meaning(text)
        if meant in (STOP_MEANING, HELP_MEANING, GOODBYE_MEANING):
            text = meant
        key = answer_key(text)
        hello = current is None and key in HELLO_AND_GOODBYE
        if key in STOP_ANSWERS or (is_goodbye(text) and not hello
                                   and not self.in_safety_conversation()):
            # A goodbye in the middle of the crisis or concern conversation ("going
            # to sleep now" after a plan for tonight) is listened to as an answer,
            # never taken for "stop": only the word itself ends that conversation.
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
        elif self.back_after_crisis(text):
            # "morning" hours after the crisis conversation stopped at its menu: not
            # its old question again ("What would help you most in the next few
            # minutes?", a trial), but whether they are safe now.
            self.state.stack.clear()
            self.start(LISTEN, inputs={"message": text})
        else:
            self.answer(current, text)

    def command(self, name: str, args: str) -> None:
        name = COMMAND_ALIASES.get(name.casefold(), name.casefold())
        if name == RESUME_COMMAND:
            self.resume()
            return
        if self.meaning(name) == HELP_MEANING:
            # "/ayuda", "/hilfe": help in the person's language shows the lines, as
            # the word alone does.
            name = SOS
        if args.strip() == PRIVATE_CHAT_PAYLOAD and self.state.stack:
            # "Continue in private", pressed in a group, while an exercise is
            # already running here: carry on with it rather than start over.
            self.say_line("back_to_question")
            self.reprompt()
            return
        dialogue_id = self.dialogues.commands.get(name)
        payload = args.strip().casefold()
        if name == "start" and payload != "start" and payload in self.dialogues.commands:
            # A deep link that names a command ("check in privately" under a group
            # check-in) opens that dialogue straight away.
            dialogue_id = self.dialogues.commands[payload]
        if dialogue_id is None:
            self.say_line("unknown_command", command="/" + shorten(name, 32))
            if self.state.current is not None:
                self.say_line("back_to_question")
                self.reprompt()
            return
        if self.onboard_first(dialogue_id):
            return
        inputs: dict[str, Value] = {}
        if dialogue_id == STOP and self.recent_crisis():
            # Stopping soon after a crisis: the goodbye keeps the way back to help.
            inputs["after_crisis"] = "yes"
        self.start(dialogue_id, inputs=inputs)

    def route(self, text: str) -> None:
        router = self.engine.router_for(self.locale)
        route = router.route(text, self.profile, recent_crisis=self.recent_crisis())
        self.start(route.dialogue, inputs=route.inputs)
