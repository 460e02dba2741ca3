"""The nudges themselves: loaded from ``dialogues/library/nudges.yaml`` and composed
for one person at a time.

Every nudge was written by a person, grouped by theme, and carries one button
that starts a short exercise (a check-in, a breath, a compassion-log entry).
Some are built around the person's own saved reframe, quoted back to them
(shortened, marked as their words).  :class:`NudgeLibrary` is the engine's
:class:`~bot.engine.NudgeComposer`.

Loading is strict, like the dialogues: YAML with duplicate keys is refused, the
schema forbids unknown fields, and every problem names the file and the nudge.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.choices import launcher
from bot.dialogue.loader import dialogue_files, parse_file, read_yaml_file
from bot.dialogue.spec import IDENT, MAX_DIALOGUE_ID, PLACEHOLDER, placeholders
from bot.dialogue.validation import NO_LIMITS
from bot.nudges.schedule import NudgeSettings
from bot.state import Profile
from bot.text import shorten
from bot.types import Choice, MessageLimits, Segment, SendText
from bot.wording import rotation

Theme = Literal["self_kindness", "common_humanity", "mindfulness", "rest", "reinforcement"]
THEMES: tuple[Theme, ...] = ("self_kindness", "common_humanity", "mindfulness", "rest",
                             "reinforcement")
LIBRARY_FILE = Path("library") / "nudges.yaml"
"""Where the library lives, inside the dialogues folder."""
REFRAME_EVERY = 3
"""Every third nudge of someone with a saved reframe quotes it back to them."""
REFRAME_CHARS = 120
"""A reframe is shortened to this many characters when quoted."""
# Where a nudge's button says it was offered (the launcher's origin).
ORIGIN = "nudge"
# Placeholders a reframe nudge may use.
REFRAME = "reframe"
WHEN = "when"
WEEKDAY = "weekday"

DialogueId = Annotated[str, Field(pattern=IDENT, max_length=MAX_DIALOGUE_ID)]
NudgeId = Annotated[str, Field(pattern=IDENT, max_length=40)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Model):
    """What every nudge has: what it says and which exercise its button starts."""

    id: NudgeId
    text: Text
    reply: DialogueId
    label: Text | None = None
    """The button's label; the library's label for ``reply`` when omitted."""


class Nudge(Entry):
    """One nudge of a theme."""

    theme: Theme


class ReframeNudge(Entry):
    """A nudge that quotes the person's reframe: ``{reframe}``, and ``{when}``
    (a phrase that begins a sentence: "Yesterday", "On Tuesday")."""


class WhenPhrases(_Model):
    """How long ago the reframe was written, said at the start of a sentence."""

    today: Text
    yesterday: Text
    weekday: Text
    """For two to six days ago; ``{weekday}`` is the day's name in the person's time zone."""
    earlier: Text
    """A week or more ago, or not known."""


class LibraryFile(_Model):
    """The whole ``nudges.yaml``."""

    replies: dict[DialogueId, Text]
    """Button label for each exercise a nudge may start."""
    weekdays: Annotated[tuple[Text, ...], Field(min_length=7, max_length=7)]
    """Monday first."""
    when: WhenPhrases
    nudges: Annotated[tuple[Nudge, ...], Field(min_length=1)]
    reframes: Annotated[tuple[ReframeNudge, ...], Field(min_length=1)]


_E = TypeVar("_E", bound=Entry)


class LibraryError(Exception):
    """The nudge library is not valid; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(problems)
        super().__init__(f"{len(problems)} problem(s) in the nudge library:\n{lines}")


@dataclass(frozen=True, slots=True)
class NudgeLibrary:
    """Validated nudges; writes the ``count``-th nudge for a person."""

    content: LibraryFile
    source: str
    """The file's name, for error messages."""

    @property
    def nudges(self) -> tuple[Nudge, ...]:
        return self.content.nudges

    @property
    def reframes(self) -> tuple[ReframeNudge, ...]:
        return self.content.reframes

    @property
    def entries(self) -> tuple[Entry, ...]:
        return (*self.content.nudges, *self.content.reframes)

    def reply_dialogues(self) -> set[str]:
        return {entry.reply for entry in self.entries}

    def require_dialogues(self, known: Collection[str]) -> None:
        """Raise :class:`LibraryError` if a button would start a dialogue not in ``known``."""
        problems = [
            f"{self.source}: nudge '{entry.id}': its button starts unknown dialogue "
            f"'{entry.reply}'"
            for entry in self.entries
            if entry.reply not in known
        ]
        if problems:
            raise LibraryError(problems)

    def compose(self, user_id: str, count: int, profile: Profile, now: datetime) -> SendText | None:
        """The ``count``-th nudge (0-based) for this person; ``None`` when their nudges
        are off or paused at ``now`` (they changed their mind after it was scheduled).

        Each person walks their own shuffled order of the nudges, so no nudge
        comes twice in a row and everyone hears them in a different order.
        With a saved reframe (and consent to keep it), every third nudge quotes it.
        """
        fields = profile.model_dump()
        settings = NudgeSettings.from_profile(fields)
        if not settings.active_at(now):
            return None
        reframe = fields.get("last_reframe")
        if (
            profile.consent is True
            and isinstance(reframe, str)
            and reframe.strip()
            and count % REFRAME_EVERY == REFRAME_EVERY - 1
        ):
            template = _nth(self.reframes, user_id, f"{ORIGIN}.{REFRAME}", count // REFRAME_EVERY)
            values = {REFRAME: Segment(shorten(reframe, REFRAME_CHARS), quoted=True),
                      WHEN: Segment(self._when(fields.get("last_reframe_at"), settings, now))}
            segments = _fill(template.text, values)
            return SendText(segments, (self._button(template),))
        nudge = _nth(self.nudges, user_id, ORIGIN, count)
        return SendText((Segment(nudge.text),), (self._button(nudge),))

    def _button(self, nudge: Entry) -> Choice:
        label = nudge.label or self.content.replies[nudge.reply]
        return Choice(launcher(nudge.reply, ORIGIN), label)

    def _when(self, written: object, settings: NudgeSettings, now: datetime) -> str:
        """"Yesterday", "On Tuesday"...: when the reframe was written, in their time zone."""
        phrases = self.content.when
        if not isinstance(written, str):
            return phrases.earlier
        try:
            at = datetime.fromisoformat(written)
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)  # stored times are UTC; never the server's zone
            day: date = at.astimezone(settings.zone).date()
            today = now.astimezone(settings.zone).date()
        except (ValueError, OverflowError):
            return phrases.earlier
        days_ago = (today - day).days
        if days_ago == 0:
            return phrases.today
        if days_ago == 1:
            return phrases.yesterday
        if 2 <= days_ago <= 6:
            return phrases.weekday.replace("{weekday}", self.content.weekdays[day.weekday()])
        return phrases.earlier


def _nth(items: tuple[_E, ...], user_id: str, key: str, count: int) -> _E:
    """The ``count``-th item of this person's endless shuffled walk through ``items``."""
    n = len(items)
    return items[rotation(user_id, key, n, count // n)[count % n]]


def _fill(text: str, values: Mapping[str, Segment]) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        segments.append(values[match.group(1)])
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return tuple(segments)


def _check(content: LibraryFile, source: str, limits: MessageLimits) -> list[str]:
    """Rules beyond the schema, each problem naming the file and the nudge; texts and
    buttons against the platforms' ``limits``."""
    max_label, max_chars = limits.button_label_chars, limits.message_chars
    problems: list[str] = []
    seen: set[str] = set()
    entries: tuple[Entry, ...] = (*content.nudges, *content.reframes)
    for nudge in entries:
        where = f"{source}: nudge '{nudge.id}'"
        if nudge.id in seen:
            problems.append(f"{where}: the id is used twice")
        seen.add(nudge.id)
        if nudge.label is None and nudge.reply not in content.replies:
            problems.append(f"{where}: no label for a button to '{nudge.reply}' "
                            "(give 'label' or add it to 'replies')")
        label = nudge.label or content.replies.get(nudge.reply, "")
        if max_label is not None and len(label) > max_label:
            problems.append(f"{where}: the button label is over {max_label} characters")
        names = [name for name, _ in placeholders(nudge.text)]
        allowed = {REFRAME, WHEN} if isinstance(nudge, ReframeNudge) else set()
        for name in names:
            if name not in allowed:
                problems.append(f"{where}: '{{{name}}}' cannot be filled in here")
        if isinstance(nudge, ReframeNudge) and REFRAME not in names:
            problems.append(f"{where}: a reframe nudge must quote '{{{REFRAME}}}'")
        if max_chars is not None and len(nudge.text) + REFRAME_CHARS * len(names) > max_chars:
            problems.append(f"{where}: the text can reach over {max_chars} characters")
    if "{" + WEEKDAY + "}" not in content.when.weekday:
        problems.append(f"{source}: 'when.weekday' must name the day with '{{{WEEKDAY}}}'")
    return problems


def load_library(path: Path, limits: MessageLimits = NO_LIMITS) -> NudgeLibrary:
    """Load and check ``nudges.yaml`` (texts and buttons against the platforms'
    ``limits``); raise :class:`LibraryError` listing every problem."""
    source = path.name
    raw = read_yaml_file(path, LibraryError)
    try:
        content = LibraryFile.model_validate(raw)
    except ValidationError as exc:
        raise LibraryError([_schema_problem(source, raw, error["loc"], error["msg"])
                            for error in exc.errors()]) from exc
    problems = _check(content, source, limits)
    if problems:
        raise LibraryError(problems)
    return NudgeLibrary(content, source)


def check_library(folders: Collection[Path], limits: MessageLimits = NO_LIMITS) -> list[str]:
    """Every problem of the library in each dialogues folder given (for ``dialogues
    check``): the file itself, and buttons that start dialogues the folder lacks."""
    problems: list[str] = []
    for folder in folders:
        path = folder / LIBRARY_FILE
        if not folder.is_dir() or not path.exists():
            continue
        known = set()
        for file in dialogue_files([folder]):
            item, _ = parse_file(file)
            if item is not None:
                known.add(item.dialogue.id)
        try:
            load_library(path, limits).require_dialogues(known)
        except LibraryError as exc:
            problems += exc.problems
    return problems


def _schema_problem(source: str, raw: object, loc: tuple[int | str, ...], message: str) -> str:
    """A pydantic error as a line that names the nudge by its id, where there is one."""
    field = ".".join(str(part) for part in loc)
    if len(loc) >= 2 and loc[0] in ("nudges", "reframes") and isinstance(loc[1], int) \
            and isinstance(raw, dict):
        entries = raw.get(loc[0])
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            return f"{source}: nudge '{entry['id']}': {field}: {message}"
    return f"{source}: {field}: {message}"


__all__ = [
    "LIBRARY_FILE",
    "THEMES",
    "LibraryError",
    "Nudge",
    "NudgeLibrary",
    "ReframeNudge",
    "check_library",
    "load_library",
]
