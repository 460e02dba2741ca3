"""Answering questions: what the person typed or pressed, read against the
question being asked.

A typed button label, a number under a scale, "skip" and "I don't know" are
understood at every question; a press is applied only if its button belongs to
the question on screen (an old button is met with a word, and the question again).
"""

from __future__ import annotations

from bot.answers import Label, is_empty_answer, is_skip, is_unsure, match_label, parse_number
from bot.choices import LAUNCH, ChoiceRef, parse_choice
from bot.dialogue.locales import SKIP_MEANING, UNSURE_MEANING, plain_key
from bot.dialogue.spec import (
    COUNTERS,
    AskChoiceStep,
    AskScaleStep,
    AskStep,
    AskTextStep,
    EndStep,
    PauseStep,
    SayStep,
    Step,
)
from bot.state import Frame, Value
from bot.text import answer_key, parse_scale
from bot.turn.context import EngineError
from bot.turn.moving import ONBOARDING, Moving
from bot.turn.saying import OTHER_OPTION, SKIP_OPTION, UNSURE_OPTION
from bot.types import Choice

# An answer a question reads (a country) is a few words; a longer one that does not
# read is about something else.
MAX_PARSED_WORDS = 4


def is_sentence(text: str) -> bool:
    """Whether ``text`` is too long to be an answer a question reads (a number, a
    button, a country): words about something else."""
    return len(text.split()) > MAX_PARSED_WORDS


UNSURE_BUTTONS = ("unsure", "sometimes")
"""Button ids that answer "I don't know" typed out, in this order ("I'm not sure";
"Sometimes, or I'm not sure"): the crisis and concern questions use them."""
THANKS_ONLY = frozenset({"thanks", "thank you", "thank u", "thx", "ty", "thanks a lot",
                         "thanks so much", "thank you so much", "cheers", "gracias",
                         "muchas gracias", "mil gracias", "danke", "danke schon", "vielen dank",
                         "obrigado", "obrigada", "valeu", "muito obrigado", "muito obrigada"})
"""A thank-you and nothing else: in the safety conversation, welcomed, never listened
to as pain (a trial's "thanks" got "That sounds so hard to carry")."""
NOT_A_HELLO = THANKS_ONLY | {"ok", "okay", "okey", "start", "menu", "vale"}
"""Words the routing files list as openers of the menu that are no hello where a
question waits: thanks and okays."""
MAX_YES_NO_WORDS = 4
"""Longest answer read as a plain yes or no by its first word, in other languages."""

ANSWERED, SKIPPED = COUNTERS


class Answering(Moving):
    """A turn that can take an answer to the question being asked."""

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

    def greets(self, text: str) -> bool:
        """Whether ``text`` is only a greeting (the routing file's, in the person's
        language: "good morning", "im back")."""
        if plain_key(text) in NOT_A_HELLO:
            return False
        return answer_key(text) in self.engine.router_for(self.locale).greetings

    def greet_back(self) -> None:
        """A hello where a question waits: "welcome back" to someone who has been
        here before, a plain hello to someone still being welcomed (a trial's first
        "hi" was met with "Hello again")."""
        welcoming = not self.profile.onboarded or any(
            frame.dialogue == ONBOARDING for frame in self.state.stack)
        self.say_line("greeted_first" if welcoming else "greeted_back")

    def answer_choice(self, frame: Frame, step: AskChoiceStep, text: str) -> None:
        if not frame.other_pending:
            # A button label typed out wins over the skip words: "Not sure" is
            # an answer to "are you safe?", not a wish to skip it.
            labels = [Label(o.id, (o.label, *o.also), o.opens) for o in step.choices]
            if step.other is not None:
                labels.append(Label(OTHER_OPTION, (step.other.label,)))
            index = match_label(labels, text)
            if index is None:
                index = self.yes_or_no(labels, text)
            if index is None and self.is_unsure(text):
                # "No sé" to "are you safe?" is the "I'm not sure" button, never a skip.
                index = next((labels.index(label) for wanted in UNSURE_BUTTONS
                              for label in labels if label.id == wanted), None)
            if index is not None:
                self.choose(frame, step, ChoiceRef(frame.dialogue, frame.step, labels[index].id))
                return
        if (step.other is not None and not frame.other_pending and not self.is_skip(text)
                and not self.is_unsure(text) and self.routed_from_hub(frame, text)):
            return  # "meh" or "exam tomorrow, I'm shaking" typed at the menu
        if (self.is_skip(text) or self.is_unsure(text)
                or (step.other is not None and is_empty_answer(text))):
            # "no", "ok" or a stray "7" where the person's own words are welcome
            # say nothing to keep: moved past like a skip, never saved as words.
            self.skip(frame, step)
        elif self.greets(text) and not frame.other_pending:
            # "good morning!" or "im back" where a question waits: a hello, and the
            # question again (never taken as what is on their mind).
            self.greet_back()
            self.reprompt()
        elif (step.other is not None and frame.dialogue in self.dialogues.safety
              and plain_key(text) in THANKS_ONLY):
            self.say_line("thanked")
            self.reprompt()
        elif step.other is not None:
            typed = None if frame.other_pending else step.other.typed
            target = typed or step.other.next or step.next
            if target is None:
                raise EngineError(f"'other' of {frame.step} leads nowhere")
            if step.save is not None:
                self.save(frame, step.save, text)
            self.count(frame, ANSWERED)
            self.goto(frame, target)
        elif is_sentence(text):
            # A sentence where a button was asked for ("I'm so lonely it hurts" at a
            # menu): heard first, then the hint, never a bare "choose one" (a fourth
            # trial met three of those in a row).
            self.say_line("choose_please_heard", count=str(len(step.choices)))
        else:
            # A short hint: the question and its buttons are still on screen.
            self.say_line("choose_please", count=str(len(step.choices)))

    def routed_from_hub(self, frame: Frame, text: str) -> bool:
        """Words typed at the menu (a hub) instead of a button are free text, routed
        as they would be with no menu showing; whether they were.  A trial's exam
        panic, kind deed and "breathing exercise please" typed at the menu all went
        to "talk it through", and its "meh" to a dead end.  Words written after
        pressing "Something else" were asked for as what is on their mind, and go
        where that button leads; so do words the router is unsure of (it would only
        ask "which tool?" again), greetings and okays (the router's menu)."""
        if frame.dialogue not in self.dialogues.hubs:
            return False
        route = self.engine.router_for(self.locale).route(
            text, self.profile, recent_crisis=self.recent_crisis())
        if route.dialogue in self.dialogues.hubs:
            return False
        self.state.stack.remove(frame)
        self.start(route.dialogue, inputs=route.inputs)
        return True

    def answered_already(self, frame: Frame, step: AskStep) -> bool:
        if not isinstance(step, AskScaleStep) or step.answered_by is None:
            return False
        said = frame.vars.get(step.answered_by)
        if not isinstance(said, str):
            return False
        number = parse_number(self.with_digits(said), step.min, step.max)
        if number is None:
            return False
        self.save(frame, step.save, number)
        self.count(frame, ANSWERED)
        self.goto(frame, step.next)
        return True

    def answer_scale(self, frame: Frame, step: AskScaleStep, text: str) -> None:
        number = parse_number(self.with_digits(text), step.min, step.max)
        if number is not None:
            self.save(frame, step.save, number)
            self.count(frame, ANSWERED)
            self.goto(frame, step.next)
        elif self.is_skip(text) or self.is_unsure(text):
            self.skip(frame, step)
        elif self.greets(text):
            self.greet_back()
            self.reprompt()
        elif is_sentence(text):
            # "I just feel so alone, whole weekends without a word" where a number
            # was asked for: heard, then asked for the number.
            self.say_line("scale_please_heard", low=str(step.min), high=str(step.max))
        else:
            self.say_line("scale_please", low=str(step.min), high=str(step.max))

    def answer_text(self, frame: Frame, step: AskTextStep, text: str) -> None:
        # The question shows buttons ("Not sure", "Skip"): a lone number within
        # them is a press, as on every question ("1" is not a country).
        buttons = self.text_buttons(step)
        key = answer_key(text)
        if key.isdecimal() and key.isascii() and 1 <= int(key) <= len(buttons):
            self.press_text_button(frame, step, buttons[int(key) - 1])
        elif self.is_skip(text):
            self.skip(frame, step)
        elif self.is_unsure(text):
            self.unsure(frame, step)
        elif step.parse is None and self.greets(text):
            # "hi" coming back to an open question is a hello, not the answer (a
            # trial's "hi" was met with "that sounds so hard to carry").
            self.greet_back()
            self.reprompt()
        elif step.parse is None and is_empty_answer(text):
            # "ok", "no", "2" to an open question: moved past like a skip, so it
            # is neither kept in the journal nor praised as something written.
            self.skip(frame, step)
        elif step.parse is not None:
            parser = self.engine.services.parsers_for(self.locale).get(step.parse)
            if parser is None:
                raise EngineError(f"no parser named {step.parse}")
            parsed = parser(text)
            if parsed is None and step.unparsed is not None and not is_empty_answer(text):
                # Words that are not the answer asked for ("please don't tell anyone"
                # to "which country are you in?", a trial's child in crisis, told "I
                # don't have that country in my list"): kept apart from the answer
                # and answered by a step written for them, never refused.
                self.save(frame, step.unparsed.save, text)
                self.count(frame, ANSWERED)
                self.goto(frame, step.unparsed.next)
                return
            if parsed is None:
                if step.skip is not None and (frame.helped or is_empty_answer(text)
                                              or is_sentence(text)):
                    # Asked again once already, or no attempt at an answer ("no", or
                    # a sentence about something else): never insist.  A trial's
                    # crisis conversation asked "which country?" three times ("sí",
                    # "no", "no"); another met "my mum died last month" with "I don't
                    # have that country in my list".
                    self.skip(frame, step)
                    return
                # Asked again in other words, with the Skip button again.
                frame.helped = True
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

    def yes_or_no(self, labels: list[Label], text: str) -> int | None:
        """The one yes (or no) button, for a short answer that opens with the
        language's yes (or no): "sim, tô bem" to "Sim / Não / Não sei".  Longer
        answers are listened to as words ("sí, pero a veces..." is no plain yes)."""
        locale = self.engine.locales.get(self.locale or "")
        found = text.split()
        if locale is None or not found or len(found) > MAX_YES_NO_WORDS:
            return None
        for answers in (locale.info.words.yes, locale.info.words.no):
            said = {plain_key(word) for word in answers}
            if plain_key(found[0]) not in said:
                continue
            matches = [i for i, label in enumerate(labels)
                       if (first := label.texts[0].split()) and plain_key(first[0]) in said]
            return matches[0] if len(matches) == 1 else None
        return None

    def is_skip(self, text: str) -> bool:
        """A wish to move on, in English or in the person's language ("saltar")."""
        return is_skip(text) or self.meaning(text) == SKIP_MEANING

    def is_unsure(self, text: str) -> bool:
        """ "I don't know", in English or in the person's language ("no sé")."""
        return is_unsure(text) or self.meaning(text) == UNSURE_MEANING

    def with_digits(self, text: str) -> str:
        """The answer with the person's language's numbers in words as digits ("unos
        siete" -> "unos 7"), for the scale reader, which knows English words only."""
        table = self.engine.control_words.get(self.locale or "")
        if not table:
            return text
        return " ".join(number if (number := table.get(plain_key(word), "")).isdigit() else word
                        for word in text.split())

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
        label = self.pick(self.dialogues.line("skip_button"), "system.skip_button", {})
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
        landing = self.dialogues[frame.dialogue].steps.get(target)
        if not (isinstance(landing, SayStep) or (isinstance(landing, EndStep) and landing.say)):
            # Where the skip leads to words written for it, they are the answer;
            # "That's fine, we can leave that one." before them would say it twice.
            self.say_line("skipped")
        self.count(frame, SKIPPED)
        self.goto(frame, target)

    def save(self, frame: Frame, name: str, value: Value) -> None:
        frame.vars[name] = value
