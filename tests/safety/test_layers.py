"""The layered detector as a person meets it: false alarms gone, fresh wording seen,
context across messages, and every typed text read (command words included)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from bot.safety import Detector, assess
from bot.safety.classifier import Classifier, ModelError, Scores, Thresholds
from bot.safety.corpus import Example
from bot.safety.normalise import normalise
from bot.safety.train import choose_thresholds
from bot.types import NO_RISK, Assessment
from tests.harness import Bot
from tests.test_runtime import onboarded

# The everyday words of a self-compassion bot, which the old rules read as crisis.
EVERYDAY = [
    "I am proud of myself today",
    "I want to take care of myself",
    "I feel ashamed of myself",
    "I'm so ashamed of myself for shouting at the kids",
    "I need to be kind to myself",
    "I hate myself for snapping at her",
    "I took the day off, first time in months, proud of myself",
    "honestly I'm just so disappointed in myself",
    "I don't know",
    "not sure",
    "yes please",
    "7",
    "this traffic is killing me",
    "lol I'm dead 💀 that meme",
    "I'm not suicidal, just really tired",
    # Idioms of the exercises themselves (a person trying the bot read both as crisis).
    "I cut myself some slack today",
    "i want to write a goodbye letter to the old me who always put herself down",
]

# Wordings the first-wave rules never saw (from the issue).
FRESH = [
    "suicide",
    "suicide thoughts",
    "i have pills saved up to overdose",
    "it would be easier if I didn't wake up",
    "i want to d i e",
    "i want to k.i.l.l myself",
    "i want to 💀",
    "💊💊💊 all of them tonight",
    "I don't see the point in anything anymore",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_words_are_not_a_crisis(text: str) -> None:
    assert assess(text).level == "none", text


@pytest.mark.parametrize("text", FRESH)
def test_fresh_wording_gets_at_least_a_safety_question(text: str) -> None:
    assert assess(text).level != "none", text


def test_many_negated_sentences_cannot_hide_a_disclosure() -> None:
    text = "I'm not suicidal. " * 24 + "But tonight I am going to kill myself."
    assert assess(text).level == "crisis"
    long_ = "Work was fine and the weather was nice. " * 30 + "I want to end my life tonight."
    assert assess(long_).level == "crisis"


def test_the_disclosure_names_its_topic_so_the_right_lines_come_first() -> None:
    assert assess("my dad hits me every night and I'm scared to go home").topic == "abuse"
    assert assess("I cut myself again last night").topic == "self_harm"
    assert assess("I want to kill myself").topic == "suicide"
    # Making oneself sick is answered with the eating-disorder lines, not suicide's.
    for purging in ("I made myself throw up after dinner",
                    "I binge and then purge most nights and I hate myself for it",
                    "purging after every meal again"):
        found = assess(purging)
        assert found.level != "none" and found.topic == "eating_disorder", purging


@pytest.mark.parametrize("text", ["the company will purge old accounts every month",
                                  "I purged my inbox after the holidays",
                                  "binge watched a show and then threw up from food poisoning"])
def test_purge_in_everyday_senses_is_no_risk(text: str) -> None:
    assert assess(text).level == "none"


def test_context_raises_risk_that_no_single_message_shows() -> None:
    first = "Im tired of being a burden"
    second = "anyway I sorted out who takes the dog"
    # Finding the dog a home is nothing alone; after the burden it is a goodbye.
    # ("I wrote everyone a letter tonight", the example before, is now a concern
    # alone: the model learned farewell letters from corpus part 9.)
    assert assess(second).level == "none"
    assert assess(second, [first]).level != "none"
    # context raises, never lowers
    assert assess("I want to die", ["I had a lovely day"]).level == "crisis"


def test_context_alone_asks_but_never_brings_crisis_lines_for_a_harmless_reply() -> None:
    """Evidence spread over messages is weaker: a crisis from context needs the
    message itself to be worth asking about (a new-user trial got crisis lines for
    the second answer of a break about a failed exam)."""
    hurt = "Ouch. This really hurts. I wanted this so badly."
    reply = "Loads of people fail exams and retake them. I'm not the only one who got a bad result."
    assert assess(reply).level == "none"
    assert assess(reply, [hurt]).level != "crisis"


def test_context_is_harmless_after_an_ordinary_chat() -> None:
    assert assess("anyway what's for dinner", ["work was long", "the bus was late"]).level \
        == "none"


def test_a_window_of_messages_is_judged_by_its_own_thresholds() -> None:
    """The context layer's window has its own thresholds: a concern from a window
    needs the window's risk to reach them, not the single messages' ones."""
    shipped = Classifier.load()
    first, second = "Im tired of being a burden", "anyway I sorted out who takes the dog"
    # 1.0: no score reaches it (the network's scores come close to 1, not to it)
    strict = shipped.with_thresholds(
        Thresholds(shipped.thresholds.concern, shipped.thresholds.crisis, 1.0, 1.0))
    lenient = shipped.with_thresholds(Thresholds(1.0, 1.0, 0.01, 1.0))
    assert Detector(strict).assess(second, [first]).level == "none"
    assert Detector(lenient).assess(second, [first]).level == "concern"


def test_thresholds_are_chosen_apart_for_single_messages_and_for_windows() -> None:
    def example(label: str, *messages: str) -> Example:
        return Example(label, "x", "en", messages, "test")  # type: ignore[arg-type]

    examples = [example("safe", f"m{i}") for i in range(100)]
    examples += [example("safe", "a", f"w{i}") for i in range(100)]
    # Safe single messages score low and safe windows high, as in the real corpus.
    scores = [Scores(risk=i / 1000, crisis=i / 2000, topic="suicide") for i in range(100)]
    scores += [Scores(risk=0.5 + i / 250, crisis=0.5 + i / 250, topic="suicide")
               for i in range(100)]
    chosen = choose_thresholds(examples, scores)
    assert chosen.concern < 0.31 < chosen.window_concern  # each within 3 % of its own
    assert chosen.window_concern > 0.88 and chosen.window_crisis > 0.89


def test_a_saved_model_reads_back_the_same_and_an_older_format_is_named(
        tmp_path: Path) -> None:
    shipped = Classifier.load()
    four = shipped.with_thresholds(Thresholds(0.6, 0.9, 0.7, 0.95))
    four.save(tmp_path / "four.npz")
    again = Classifier.load(tmp_path / "four.npz")
    assert again.thresholds == Thresholds(0.6, 0.9, 0.7, 0.95)
    text = normalise("i have the pills saved up for tonight")
    assert np.array_equal(again.logits(text), shipped.logits(text))
    # the linear model's file, before the hidden layer: refused with what to do
    np.savez(tmp_path / "linear.npz", weights=np.zeros((4, 7)), bias=np.zeros(7),
             thresholds=np.array([0.6, 0.9]), meta=np.array("{}"))
    with pytest.raises(ModelError, match="retrain with 'compassion-bot safety train'"):
        Classifier.load(tmp_path / "linear.npz")


def test_without_a_model_the_rules_alone_decide() -> None:
    rules_only = Detector(None)
    assert rules_only.assess("I want to kill myself tonight").level == "crisis"
    # fresh wording no rule names is what the model is there for
    assert rules_only.assess("i have pills saved up to overdose").level == "none"
    assert assess("i have pills saved up to overdose").level != "none"
    assert rules_only.assess("I am proud of myself").level == "none"


def test_the_shipped_model_loads_and_says_what_it_was_trained_on() -> None:
    model = Classifier.load()
    assert int(str(model.meta["examples"])) >= 5000
    assert 0 < model.thresholds.concern < 1 and 0 < model.thresholds.crisis < 1


@pytest.mark.parametrize("command", ["talk", "start", "checkin", "journal", "nonsense"])
async def test_words_after_any_command_are_assessed_first(bot: Bot, command: str) -> None:
    ana = await onboarded(bot, "ana")
    lines = "\n".join(await ana.command(command, "I want to kill myself tonight"))
    assert "Samaritans" in lines, lines


async def test_a_start_payload_with_crisis_words_gets_crisis_lines(bot: Bot) -> None:
    lines = "\n".join(await bot.person().command("start", "i want to die"))
    assert "findahelpline" in lines.casefold(), lines


async def test_a_worrying_answer_mid_exercise_gets_the_safety_question(bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    await ana.command("talk")
    lines = "\n".join(await ana.say("I don't see the point in anything anymore"))
    assert "safe" in lines.casefold(), lines


async def test_the_context_window_lives_in_the_state_and_goes_with_the_crisis_lines(
    tmp_path: Path,
) -> None:
    seen: list[tuple[str, tuple[str, ...]]] = []
    verdicts = {"worrying": "concern", "danger": "crisis"}

    def assessor(text: str, context: Sequence[str] = ()) -> Assessment:
        seen.append((text, tuple(context)))
        level = verdicts.get(text)
        return Assessment(level, ("test",)) if level else NO_RISK  # type: ignore[arg-type]

    bot = Bot(tmp_path / "bot.db", assessor=assessor)
    await bot.start()
    try:
        ana = await onboarded(bot, "ana")
        await ana.say("first")
        await ana.say("second")
        await ana.say("worrying")
        await ana.say("after")
        await ana.say("danger")
        await ana.say("then")
        await bot.restart()
        await ana.say("later")
        bot.clock.now += timedelta(hours=7)
        await ana.say("next day")
    finally:
        await bot.stop()
    contexts = dict(seen)
    assert contexts["second"][-1] == "first"
    assert contexts["worrying"][-2:] == ("first", "second")
    assert contexts["after"][-2:] == ("second", "worrying"), (
        "the answer to 'are you safe?' is read with what was asked about")
    assert contexts["then"] == (), "the crisis lines empty the window"
    assert contexts["later"] == ("then",), "the window is kept in the stored state"
    assert contexts["next day"] == (), "an old window is forgotten"


async def test_an_overdose_told_in_two_messages_gets_the_emergency_number(bot: Bot) -> None:
    """A trial: 'I took some of my pills earlier' got 'are you safe?', and its
    answer 'more than I should, the whole bottle really', read alone, the suicide
    questions instead of the overdose's emergency call."""
    ana = bot.person("ana")
    asked = "\n".join(await ana.say("I took some of my pills earlier"))
    assert "safe right now?" in asked, asked
    lines = "\n".join(await ana.say("more than I should, the whole bottle really"))
    assert "emergency number now, even if you feel fine" in lines, lines


async def test_abuse_and_overdose_get_their_own_lines_first(bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    lines = "\n".join(await ana.say("my partner hits me and I'm scared to go home tonight"))
    assert "Domestic Abuse Helpline" in lines, lines
    assert lines.index("Domestic Abuse Helpline") < lines.index("Samaritans")
    ben = await onboarded(bot, "ben")
    lines = "\n".join(await ben.say("I took a whole box of paracetamol an hour ago"))
    assert "999" in lines and "even if you feel fine" in lines, lines


@pytest.mark.parametrize(("answer", "said"), [
    ("I don't want to call", "call the emergency number"),
    ("I just feel sleepy", "call the emergency number"),
    ("no", "call the emergency number"),
    ("Someone is with me", "call the emergency number with you"),
    ("I'll call now", "you took"),
])
async def test_after_an_overdose_the_bot_says_again_it_is_an_emergency_and_asks_who_is_near(
    bot: Bot, answer: str, said: str
) -> None:
    """Not a safety plan first: the emergency, once more, and who is with them."""
    ben = await onboarded(bot, "ben")
    lines = "\n".join(await ben.say("I took a whole box of paracetamol an hour ago"))
    assert "harm" in lines and ("Is anyone with you?" in lines or "Is someone with you" in lines)
    assert "safety plan" not in lines.casefold()
    reply = "\n".join(await ben.say(answer))
    assert said in reply, reply
    assert "What would help most" in reply or "What would help you most" in reply
    assert "I'm safe for now" not in ben.buttons(), "not straight after an overdose"
    assert "I'll reach out to someone now" in ben.buttons()


async def test_answers_inside_the_safety_plan_are_about_staying_safe(bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    await ana.command("plan")
    for answer in ["when I stop answering texts", "a hot shower", "the park",
                   "my sister", "my GP"]:
        await ana.say(answer)
    await ana.say("put the pills away and give my sister the rest")
    await ana.press("Yes, keep my plan")
    lines = "\n".join(await ana.command("plan"))
    assert "6. Making my surroundings safer: put the pills away" in lines, lines


async def test_only_the_rules_restart_the_crisis_flow_from_inside_it(tmp_path: Path) -> None:
    def assessor(text: str, context: Sequence[str] = ()) -> Assessment:
        if text.startswith("model says"):
            return Assessment("crisis", ("model",), "suicide")
        if text.startswith("rules say"):
            return Assessment("crisis", ("ideation",), "suicide")
        return NO_RISK

    bot = Bot(tmp_path / "bot.db", assessor=assessor)
    await bot.start()
    try:
        ana = await onboarded(bot, "ana")
        assert "Samaritans" in "\n".join(await ana.say("model says so, outside the plan"))
        # (A plan asked for while the crisis conversation runs is part of it; here
        # the conversation was stopped first.)
        await ana.command("stop")
        await ana.command("plan")
        assert "Samaritans" not in "\n".join(await ana.say("model says so, in the plan"))
        assert "Samaritans" in "\n".join(await ana.say("rules say so, in the plan"))
    finally:
        await bot.stop()


async def test_after_yes_im_safe_the_model_alone_does_not_ask_again_for_an_hour(
    tmp_path: Path,
) -> None:
    def assessor(text: str, context: Sequence[str] = ()) -> Assessment:
        if text.startswith("model worries"):
            return Assessment("concern", ("model",), "suicide")
        if text.startswith("rules worry"):
            return Assessment("concern", ("hopelessness",), "suicide")
        return NO_RISK

    bot = Bot(tmp_path / "bot.db", assessor=assessor)
    await bot.start()
    try:
        ana = await onboarded(bot, "ana")
        assert "are you safe" in "\n".join(await ana.say("model worries about this")).casefold()
        await ana.press("Yes")
        # The same weak signal a few minutes later: listened to, not asked again.
        bot.clock.now += timedelta(minutes=10)
        assert "are you safe" not in "\n".join(await ana.say("model worries again")).casefold()
        # The rules' word still asks at once; and after an hour the model's does too.
        assert "are you safe" in "\n".join(await ana.say("rules worry now")).casefold()
        await ana.press("Yes")
        bot.clock.now += timedelta(hours=1, minutes=1)
        assert "are you safe" in "\n".join(await ana.say("model worries later")).casefold()
    finally:
        await bot.stop()


@pytest.mark.parametrize("goodbye", [
    "adiós", "bye bye", "ciao", "au revoir", "tschüss", "tchau", "see you later",
    "hasta pronto", "à bientôt", "bis bald", "até breve", "do zobaczenia", "пока",
    "またね", "مع السلامة", "ok bye now",
])
def test_a_bare_goodbye_is_no_crisis(goodbye: str) -> None:
    """A trial's "adiós", typed to leave, brought crisis lines (the model alone)."""
    assert assess(goodbye).level == "none"


async def test_a_plan_told_in_answer_to_the_plan_question_is_that_answer(bot: Bot) -> None:
    """A trial answered "have you made a plan?" with "yeah. i was going to take all
    my tablets tonight" and got the crisis lines and "are you thinking about killing
    yourself?" again; the questions go on instead, to what is near and a person now."""
    ana = await onboarded(bot, "ana")
    await ana.say("I want to kill myself")
    await ana.press("Yes")
    replies = " ".join(await ana.say("yeah. i was going to take all my tablets tonight"))
    assert "killing yourself" not in replies and "ending your life" not in replies
    assert "Samaritans" not in replies, "the lines are not repeated"
    assert "close to you" in replies or "near you" in replies or "harder to reach" in replies


async def test_a_plan_told_outside_the_questions_brings_the_lines_again(bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    await ana.say("I want to kill myself")
    await ana.press("No")
    await ana.press("Some support would help")
    await ana.press("Stay and talk")
    replies = " ".join(await ana.say("i'm going to take all my tablets tonight"))
    assert "Samaritans" in replies


async def test_means_told_at_the_thoughts_question_is_new_danger_not_a_yes(bot: Bot) -> None:
    """A trial's "the pills are already by the bed", told at "are you thinking about
    ending your life?", was read as "yes" and asked "have you made any plans?"."""
    ana = await onboarded(bot, "ana")
    await ana.say("I want to kill myself")
    replies = " ".join(await ana.say("I have the pills next to me"))
    assert "Samaritans" in replies, "lines first"
    after = replies[replies.index("Samaritans"):]
    assert "emergency number" in after and "harder to reach" in after
    assert "plan" not in after


async def test_a_plan_told_at_the_country_question_is_not_asked_the_country_again(
        bot: Bot) -> None:
    """A trial's "I already know how I'll do it" at "which country?" got the lines and
    the country question again, word for word."""
    ana = bot.person("ana")
    first = await ana.say("I want to kill myself")
    assert "which country" in first[-1].casefold()
    replies = await ana.say("I already know how I'll do it")
    assert not any("which country" in reply.casefold() for reply in replies)
    # The lines again, but with words that say something new was heard.
    assert first[0].startswith("Thank you") and first[0] not in " ".join(replies)
    assert "emergency number" in replies[-1] and "somewhere safe" in replies[-1]


async def test_abuse_told_in_the_suicide_conversation_brings_its_lines_and_safety_from_them(
        bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    await ana.say("I want to kill myself")
    replies = " ".join(await ana.say("he hit me again"))
    assert "emergency number" in replies and "safe from" in replies
    assert "ending your life" not in replies and "killing yourself" not in replies


def test_pills_swallowed_read_by_the_model_alone_are_an_overdose() -> None:
    """A trial's "i took some of the pills" got the suicide questions instead of
    the emergency number first.  Some pills, unsaid how many, are met with "are
    you safe right now?" (as "I took some of my pills earlier" is, in
    test_an_overdose_told_in_two_messages_gets_the_emergency_number), and what
    the person answers is read as an overdose; half a bottle is one at once."""
    some = assess("i took some of the pills")
    assert some.level in ("concern", "crisis") and some.topic == "overdose"
    half = assess("i swallowed like half the bottle of tablets")
    assert half.level == "crisis" and half.topic == "overdose"


@pytest.mark.parametrize("text", ["i took my pills this morning and I still want to die",
                                  "she took all my pills away and I want to die"])
def test_pills_taken_as_prescribed_or_away_are_not_an_overdose(text: str) -> None:
    assert assess(text).topic == "suicide"


async def test_self_harm_is_met_with_care_for_the_body_before_the_direct_question(
        bot: Bot) -> None:
    """A trial's "i cut myself pretty deep" got no word about the wound."""
    ana = await onboarded(bot, "ana")
    lines = "\n".join(await ana.say("i cut myself pretty deep"))
    care = max(lines.find("emergency department"), lines.find("medical help"))
    assert care > 0, lines
    asked = max(lines.find("killing yourself"), lines.find("ending your life"))
    assert care < asked


def test_pills_taken_away_by_someone_are_no_overdose_when_the_model_alone_speaks() -> None:
    """With a model that calls everything a crisis, pills taken are an overdose and pills
    taken away are not: the pattern for "took ... away" was spelt "took", which the
    squeezed text never has ("tok")."""
    shipped = Classifier.load()
    alarmed = shipped.with_thresholds(Thresholds(0.0, 0.0, 0.999, 0.999))
    taken = Detector(alarmed).assess("i took some of the pills")
    assert taken.level == "crisis" and taken.topic == "overdose"
    away = Detector(alarmed).assess("my mum took all my pills away")
    assert away.level == "crisis" and away.topic != "overdose"


@pytest.mark.parametrize("text", [
    "Ich habe Tabletten gegen Kopfschmerzen genommen",
    "took two paracetamol for my headache",
    "tomé una pastilla para el dolor de cabeza",
])
def test_medicine_taken_for_an_ailment_is_a_remedy(text: str) -> None:
    """A trial's headache tablets got the overdose lines from the model alone."""
    assert assess(text).level == "none"


@pytest.mark.parametrize("text", [
    "I took all my tablets for the pain",
    "took pills for the pain so i never wake up",
    "Ich habe die ganze Packung Tabletten gegen Kopfschmerzen genommen",
])
def test_an_amount_or_a_wish_beside_the_ailment_is_still_an_overdose(text: str) -> None:
    verdict = assess(text)
    assert verdict.level == "crisis" and verdict.topic == "overdose"


@pytest.mark.parametrize(("first", "said"), [
    ("quiero morir", "Gracias por confiarme esto"),
    ("quero morrer", "Obrigado por confiar isso a mim"),
    ("ich will sterben", "Danke, dass du mir das anvertraust"),
    ("no aguanto más", "a salvo ahora mismo?"),
    ("quero sumir", "em segurança agora?"),
])
async def test_a_first_message_of_risk_is_answered_in_its_own_language(
        bot: Bot, first: str, said: str) -> None:
    """A trial's short Spanish first message got the safety question in English:
    too few common words to tell its language, though the rule that matched it was
    written for Spanish."""
    person = bot.person("nueva")
    replies = " ".join(await person.say(first))
    assert said in replies, replies


async def test_after_an_overdose_whatever_is_written_brings_the_emergency_call_again(
        bot: Bot) -> None:
    """A trial said it would not call, then "im just going to sleep it off", and got
    "That sounds so hard to carry... or resting here?"."""
    ana = await onboarded(bot, "ana")
    await ana.say("i took 30 paracetamol an hour ago")
    await ana.press("I don't want to call")
    replies = " ".join(await ana.say("im just going to sleep it off"))
    assert "call the emergency number" in replies and "resting here" not in replies


async def test_after_an_overdose_a_wish_to_die_and_a_no_keep_the_emergency_call(
        bot: Bot) -> None:
    """A trial took pills, then wrote "I just want to die": the conversation began
    again about suicide, and "no", then "I'm okay, carry on", ended it with "sorry if
    I jumped in", the overdose forgotten."""
    ana = await onboarded(bot, "ana")
    await ana.say("I took 40 pills an hour ago")
    replies = " ".join(await ana.say("I took two ibuprofen for my headache")).casefold()
    assert "call the emergency number" in replies and "okay to feel" not in replies
    replies = " ".join(await ana.say("I just want to die")).casefold()
    assert "call the emergency number" in replies
    assert "ending your life" not in replies and "killing yourself" not in replies
    replies = " ".join(await ana.say("no"))
    assert "emergency number" in replies and "jumped in" not in replies


async def test_on_the_bridge_about_to_jump_is_asked_whether_safe_now(bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    replies = " ".join(await ana.say("I'm on the bridge and I'm going to jump"))
    assert "emergency number" in replies and "somewhere safe" in replies
    assert "ending your life" not in replies and "killing yourself" not in replies


async def test_about_a_friend_gone_quiet_the_call_for_them_is_said_again(bot: Bot) -> None:
    ana = await onboarded(bot, "ana")
    await ana.say("my friend says she will kill herself tonight")
    replies = " ".join(await ana.say("she wont answer her phone"))
    assert "police where they are" in replies


def test_a_concern_line_counts_little_against_a_crisis() -> None:
    """Vague distress ("it all feels so heavy tonight") is weak evidence against a
    crisis: at full weight as a negative for the crisis head it pulled indirect
    crisis wording, which reads like it, under the crisis threshold.  It still
    teaches the risk head that it is risk."""
    from bot.safety.train import CONCERN_IN_CRISIS_HEAD, _targets

    def example(label: str, text: str) -> Example:
        return Example(label, "x", "en", (text,), "test")  # type: ignore[arg-type]

    crisis, concern, safe = (example("crisis", "tonight i end it"),
                             example("concern", "it all feels so heavy tonight"),
                             example("safe", "dinner tonight"))
    y, w = _targets([crisis, concern, safe])
    risk, crisis_head = 0, 1
    assert y[1, risk] == 1 and y[1, crisis_head] == 0
    assert w[1, crisis_head] == pytest.approx(CONCERN_IN_CRISIS_HEAD * w[2, crisis_head])
    assert 0 < CONCERN_IN_CRISIS_HEAD < 1
    assert w[1, risk] == pytest.approx(w[0, risk])
