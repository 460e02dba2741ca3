"""One turn in a group wellness channel: the engine's ``group`` section.

Called by the pure engine for every event in a group chat.  It reads and
changes the group's :class:`~bot.groups.state.GroupState` (settings and
aggregates only) and the member's own conversation state (their open
check-in answer, a win awaiting their answer about the digest), and answers
with actions like any dialogue: no I/O, no clock of its own.

What happens in a group:

* Crisis language: a brief answer with crisis lines and a private-chat
  button, a private message to the person (a :class:`~bot.types.ReachOut`
  the runtime turns into its own turn), and, if a moderator asked for them,
  an alert to that moderator.  A worrying personal message ("concern"): a
  short answer and a private-chat offer.  Nothing is ever quoted.
* ``/wellness``: admins turn wellness mode on and off and change it; others
  may look at the settings and are told kindly that changes are for admins.
* ``/checkin``: an anonymous poll; the group sees only totals, and only once
  :data:`THRESHOLD` people answered.
* ``/win``: a warm acknowledgement (never repeating the win) and a question
  to the author: may the weekly digest quote it, unnamed?
* The daily moment (``group_due``): the day's prompt, the weekly digest on
  :data:`DIGEST_WEEKDAY`, and the close of the day's check-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.dialogue.locales import ENGLISH
from bot.groups.prompts import remember
from bot.groups.schedule import parse_clock, parse_zone, zone_of
from bot.groups.state import FEATURES, Checkin, GroupState
from bot.text import primary_language, shorten
from bot.turn.context import TurnContext
from bot.types import (
    ButtonPress,
    Choice,
    CommandMessage,
    GroupDue,
    KeepWin,
    PollCounts,
    ReachOut,
    RecordJournal,
    Segment,
    SendPoll,
    SendText,
    TextMessage,
)

LINES = "groups"
"""The dialogue whose lines the bot says in groups."""
GROUP_CRISIS = "group_crisis"
GROUP_CONCERN = "group_concern"
GROUP_PRIVATE = "group_private"
WELLNESS, CHECKIN, WIN = "wellness", "checkin", "win"
THRESHOLD = 3
"""Check-in results are shown only once this many people answered: fewer, and a
member could work out who said what."""
CHECKIN_OPTIONS = ("struggling", "low", "okay", "good", "great")
DIGEST_WEEKDAY = 6
"""Sunday, in the group's time zone."""
DIGEST_QUOTES = 5
"""At most this many wins (allowed by their authors) quoted in one digest."""
WIN_CHARS = 280
"""A win is kept (until its author answers) at most this long."""
PENDING_WINS = 3
"""Wins a person may leave unanswered at once; older questions go stale."""
PRIVATE_CHECKIN = "groupjournal"
"""The private-chat start payload of a check-in's "check in privately" button."""
VOTE, WIN_CONSENT = "gv", "gw"
"""Button id prefixes: ``gv:<check-in>:<option>``, ``gw:<win>:yes|no``."""
YES, NO = "yes", "no"
ANSWERED = "answered"


class GroupTurn:
    """The group section of one turn, acting through the public
    :class:`~bot.turn.context.TurnContext`."""

    def __init__(self, run: TurnContext) -> None:
        self.run = run
        self.event = run.turn.event
        # A group never set up has wellness off: the defaults.
        if run.group is None:
            run.group = GroupState()
        self.group: GroupState = run.group

    # --- dispatch ---------------------------------------------------------------

    def handle(self) -> None:
        event = self.event
        risk = self.run.turn.risk.level
        match event:
            case GroupDue():
                self.daily()
            case PollCounts():
                self.poll_counts(event)
            case _ if risk == "crisis":
                self.crisis()
            case _ if risk == "concern":
                self.run.start(GROUP_CONCERN, mode="discard")
            case CommandMessage():
                self.command(event.command.casefold(), event.text, is_admin=event.is_admin)
            case ButtonPress():
                self.press(event.choice)
            case _:
                self.run.start(GROUP_PRIVATE, mode="discard")

    def command(self, name: str, args: str, *, is_admin: bool) -> None:
        if name == WELLNESS:
            self.wellness(args, is_admin=is_admin)
        elif name == CHECKIN:
            self.open_checkin()
        elif name == WIN:
            self.win(args)
        elif name in self.run.dialogues.group_commands:
            self.run.start(self.run.dialogues.commands[name], mode="discard")
        else:
            self.run.start(GROUP_PRIVATE, mode="discard")

    def press(self, payload: str) -> None:
        kind, _, rest = payload.partition(":")
        ident, _, option = rest.partition(":")
        if kind == VOTE:
            self.vote(ident, option)
        elif kind == WIN_CONSENT:
            self.win_consent(ident, option)
        elif self.run.state.stack:
            self.run.press(payload)
        # Otherwise a button of someone else's question: nothing to say to the group.

    # --- distress ---------------------------------------------------------------

    def crisis(self) -> None:
        """Brief and public (resources, a private chat), then privately to the person,
        and to the moderator who asked for alerts."""
        run = self.run
        run.state.crisis_at = run.turn.now
        run.start(GROUP_CRISIS, mode="discard")
        me = self.event.key.user_id
        run.actions.append(ReachOut(me, "crisis"))
        settings = self.group.settings
        if settings.on and settings.alerts and settings.alert_to and settings.alert_to != me:
            # Only a typed message has a link to point the moderator at.
            link = self.event.link if isinstance(self.event, TextMessage) else None
            run.actions.append(ReachOut(settings.alert_to, "alert", link=link))

    # --- /wellness --------------------------------------------------------------

    def wellness(self, args: str, *, is_admin: bool) -> None:
        words = args.split()
        if words and words[0].casefold() == "settings":
            words = words[1:]  # "/wellness settings time 8:30" reads as "/wellness time 8:30"
        if not words:
            self.summary()
            return
        if not is_admin:
            self.say("admin_only")
            return
        name, rest = words[0].casefold(), " ".join(words[1:])
        settings = self.group.settings
        if name in ("on", "off"):
            settings.on = name == "on"
            if settings.on:
                self.announce("wellness_on", **self.clock_values())
            else:
                self.announce("wellness_off")
        elif name == "time":
            clock = parse_clock(rest) if rest else None
            if clock is None:
                self.say("time_invalid")
                return
            settings.time = clock
            self.say("time_set", **self.clock_values())
        elif name == "zone":
            zone = parse_zone(rest) if rest else None
            if zone is None:
                self.say("zone_invalid")
                return
            settings.tz = zone
            self.say("zone_set", **self.clock_values())
        elif name == "language":
            self.language(rest)
        elif name in FEATURES and rest.casefold() in ("on", "off"):
            self.feature(name, rest.casefold() == "on")
        else:
            self.summary()

    def language(self, asked: str) -> None:
        """``/wellness language es``: the channel's language, for everyone in it."""
        code = primary_language(asked)
        languages = self.run.languages
        if code not in languages:
            self.say("language_invalid", languages=", ".join(sorted(languages)))
            return
        self.group.settings.language = None if code == ENGLISH else code
        self.announce("language_set")  # read from the dialogues of the language just set

    def feature(self, name: str, on: bool) -> None:
        settings = self.group.settings
        setattr(settings, name, on)
        if name == "alerts":
            # Alerts go to the admin who asked for them, privately.
            settings.alert_to = self.event.key.user_id if on else None
            self.say("alerts_on" if on else "alerts_off")
            return
        self.say("feature_set", feature=self.word(f"name_{name}"), state=self.on_off(on))

    def summary(self) -> None:
        settings = self.group.settings
        features = " ".join(f"{self.word(f'name_{name}')}: {self.on_off(settings.feature(name))}."
                            for name in FEATURES)
        self.say("wellness_summary", state=self.on_off(settings.on), results=features,
                 **self.clock_values())
        self.say("wellness_usage")

    # --- /checkin ---------------------------------------------------------------

    def open_checkin(self) -> None:
        if not self.enabled("checkins"):
            return
        group = self.group
        self.close_checkin()
        group.checkins += 1
        group.checkin = Checkin(id=group.checkins, opened=self.run.turn.now,
                                counts=[0] * len(CHECKIN_OPTIONS))
        options = tuple(Choice(f"{VOTE}:{group.checkins}:{option}", self.word(f"option_{option}"))
                        for option in CHECKIN_OPTIONS)
        question = "".join(s.text for s in self.line("checkin_question"))
        self.run.actions.append(SendPoll(
            question, options, ref=str(group.checkins),
            private_link=Choice(PRIVATE_CHECKIN, self.word("checkin_private_button")),
        ))

    def vote(self, ident: str, option: str) -> None:
        """A button press (Discord): counted once per person.  Only *that* they
        answered is remembered (in their own state), never what: so an answer
        cannot be changed, and nothing links a person to an option."""
        checkin = self.group.checkin
        if checkin is None or str(checkin.id) != ident or option not in CHECKIN_OPTIONS:
            self.say("checkin_closed")
            return
        if ident in self.run.state.votes:
            self.say("vote_once")
            return
        checkin.counts[CHECKIN_OPTIONS.index(option)] += 1
        # Only the open check-in matters: older marks mean nothing now.
        self.run.state.votes = {ident: ANSWERED}
        self.say("vote_thanks")
        if self.run.profile.group_journal == YES:
            self.run.actions.append(RecordJournal("group_checkin",
                                                  {"feeling": option, "dialogue": CHECKIN}))
        self.show_results()

    def poll_counts(self, event: PollCounts) -> None:
        """A platform poll's new totals (Telegram): who voted is never known."""
        checkin = self.group.checkin
        votes = event.votes
        if (checkin is None or event.ref != str(checkin.id)
                or len(votes) != len(checkin.counts) or any(v < 0 for v in votes)):
            return  # an older check-in's poll, or not ours
        checkin.counts = list(votes)
        self.show_results()

    def show_results(self) -> None:
        """The first time the threshold is reached, the group sees the totals."""
        checkin = self.group.checkin
        if checkin is not None and checkin.shown == 0 and checkin.total >= THRESHOLD:
            self.results(checkin)

    def close_checkin(self) -> None:
        """The open check-in ends: final totals if they changed since they were shown,
        or a word that too few answered to show any."""
        checkin, self.group.checkin = self.group.checkin, None
        if checkin is None or checkin.total == checkin.shown:
            return
        if checkin.total >= THRESHOLD:
            self.results(checkin)
        elif checkin.shown == 0:
            self.announce("checkin_too_few")

    def results(self, checkin: Checkin) -> None:
        parts = [f"{self.word(f'option_{option}')} {count}"
                 for option, count in zip(CHECKIN_OPTIONS, checkin.counts, strict=True)]
        self.announce("checkin_results", count=str(checkin.total),
                 results=", ".join(parts))
        checkin.shown = checkin.total

    # --- /win -------------------------------------------------------------------

    def win(self, args: str) -> None:
        if not self.enabled("wins"):
            return
        text = args.strip()
        if not text:
            self.say("win_how")
            return
        self.group.wins_week += 1
        thanks = self.line("win_thanks")
        if not self.group.settings.digest:
            self.run.actions.append(SendText(thanks))
            return
        pending = self.run.state.wins
        ident = str(max((int(k) for k in pending if k.isdigit()), default=0) + 1)
        pending[ident] = shorten(text, WIN_CHARS)
        for stale in sorted(pending, key=lambda k: int(k) if k.isdigit() else 0)[:-PENDING_WINS]:
            del pending[stale]
        ask = self.line("win_ask")
        choices = (Choice(f"{WIN_CONSENT}:{ident}:{YES}", self.word("win_yes")),
                   Choice(f"{WIN_CONSENT}:{ident}:{NO}", self.word("win_no")))
        self.run.actions.append(SendText((*thanks, Segment(" "), *ask), choices))

    def win_consent(self, ident: str, answer: str) -> None:
        """Only the author has the win in their state: anyone else's press does nothing."""
        text = self.run.state.wins.pop(ident, None)
        if text is None or answer not in (YES, NO):
            return
        if answer == YES:
            self.run.actions.append(KeepWin(text))
            self.say("win_kept")
        else:
            self.say("win_not_kept")

    # --- the daily moment ---------------------------------------------------------

    def daily(self) -> None:
        """The day's prompt, the digest on Sundays, and the day's check-in closes.

        Nothing is said when wellness is off, or when the moment is found long
        after it was due (the bot was down): a late prompt only confuses.
        """
        run = self.run
        settings = self.group.settings
        if not settings.on or run.turn.now - self.event.at > run.nudge_grace:
            return
        today = self.event.at.astimezone(zone_of(settings)).date()
        self.close_checkin()
        library = run.prompts
        if settings.prompt and library is not None:
            prompt = library.pick(self.event.key.chat_id, today, self.group.prompts)
            self.group.prompts = remember(self.group.prompts, prompt, today)
            run.actions.append(SendText((Segment(prompt.text),), public=True))
        if settings.digest and today.weekday() == DIGEST_WEEKDAY:
            self.digest(run.turn.now - timedelta(days=7))

    def digest(self, since: datetime) -> None:
        """How many wins the channel shared this week; quotes only those whose
        authors allowed it, unnamed.  The kept words are dropped once used."""
        count = self.group.wins_week
        if count == 0:
            self.announce("digest_none")
        elif count == 1:
            self.announce("digest_one")
        else:
            self.announce("digest_many", count=str(count))
        wins = self.run.turn.wins
        quoted = [w for w in wins if w.at >= since][:DIGEST_QUOTES] if count else []
        if quoted:
            segments: list[Segment] = list(self.line("digest_quotes"))
            for shared in quoted:
                segments += [Segment("\n- "), Segment(shared.text, quoted=True)]
            self.run.actions.append(SendText(tuple(segments), public=True))
        self.run.drop_wins.extend(w.id for w in wins)
        self.group.wins_week = 0

    # --- saying things ------------------------------------------------------------

    def enabled(self, feature: str) -> bool:
        """Whether wellness mode and ``feature`` are on; says why not otherwise."""
        settings = self.group.settings
        if not settings.on:
            self.say("wellness_not_on")
            return False
        if not settings.feature(feature):
            self.say("feature_off")
            return False
        return True

    def clock_values(self) -> dict[str, str]:
        return {"time": self.group.settings.time, "zone": self.group.settings.tz}

    def on_off(self, on: bool) -> str:
        return self.word("word_on" if on else "word_off")

    def line(self, name: str, **values: str) -> tuple[Segment, ...]:
        variants = self.run.dialogues[LINES].lines[name]
        chosen = self.run.pick(variants, f"{LINES}.{name}", values)
        return tuple(Segment(s.text) for s in chosen)  # the engine's values, not quotes

    def word(self, name: str) -> str:
        return "".join(s.text for s in self.line(name))

    def say(self, name: str, **values: str) -> None:
        """To the person whose turn it is (on Discord, only they see it)."""
        self.run.actions.append(SendText(self.line(name, **values)))

    def announce(self, name: str, **values: str) -> None:
        """To the whole channel."""
        self.run.actions.append(SendText(self.line(name, **values), public=True))
