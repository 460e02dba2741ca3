"""Read ``dialogues/*.yaml`` into validated :class:`DialogueSet` objects.

YAML is parsed with a loader that refuses duplicate keys (PyYAML would silently
keep the last one, hiding a step an author thought existed), then checked
against the schema in :mod:`bot.dialogue.spec` and the graph rules in
:mod:`bot.dialogue.validation`.  Every problem names file, dialogue and step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from bot.dialogue.locales import (
    LOCALE_FILE,
    Coverage,
    LocaleInfo,
    locale_folders,
    merge_texts,
    read_locale_info,
)
from bot.dialogue.spec import AskChoiceStep, Dialogue, Variants
from bot.dialogue.validation import (
    NO_LIMITS,
    LoadedDialogue,
    Problem,
    validate_required,
    validate_set,
)
from bot.types import MessageLimits

RESUME_COMMAND = "resume"
"""Brings back an exercise put aside; answered by the engine itself, not a dialogue."""


class DialogueError(Exception):
    """The dialogues are not valid; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the dialogues:\n{lines}")


@dataclass(frozen=True, slots=True)
class DialogueSet:
    """All dialogues, by id, with the command table the engine dispatches on."""

    dialogues: Mapping[str, Dialogue]
    commands: Mapping[str, str]
    """Command name (no slash) -> dialogue id."""
    # The content policy the dialogue files declare, gathered once: the engine
    # asks on every turn.
    not_resumable: frozenset[str] = field(init=False)
    """Dialogues never put aside for ``/resume`` (``resumable: false``)."""
    before_onboarding: frozenset[str] = field(init=False)
    """Dialogues whose command works before onboarding."""
    in_groups: frozenset[str] = field(init=False)
    """Dialogues answered when asked for in a group chat."""
    safety: frozenset[str] = field(init=False)
    """The safety flow: only the rule tables' verdict restarts the crisis in it."""
    hubs: frozenset[str] = field(init=False)
    """Places to choose what to do (``hub: true``)."""

    def __post_init__(self) -> None:
        every = self.dialogues.values()
        for name, ids in (
            ("not_resumable", {d.id for d in every if not d.resumable}),
            ("before_onboarding", {d.id for d in every if d.before_onboarding}),
            ("in_groups", {d.id for d in every if d.in_groups}),
            ("safety", {d.id for d in every if d.safety}),
            ("hubs", {d.id for d in every if d.hub}),
        ):
            object.__setattr__(self, name, frozenset(ids))

    def __getitem__(self, dialogue_id: str) -> Dialogue:
        return self.dialogues[dialogue_id]

    @property
    def group_commands(self) -> frozenset[str]:
        """Commands answered in a group chat (their dialogues say ``in_groups``)."""
        return frozenset(cmd for cmd, d in self.commands.items() if d in self.in_groups)

    def line(self, name: str) -> Variants:
        """A line of the ``system`` dialogue (stale button, unknown command...)."""
        return self.dialogues["system"].lines[name]

    def option_label(self, dialogue: str, field: str, value: str) -> str | None:
        """The label of the button that saved ``value`` in ``field`` in ``dialogue``
        (see :class:`bot.wording.LineBook`)."""
        found = self.dialogues.get(dialogue)
        for step in found.steps.values() if found is not None else ():
            if isinstance(step, AskChoiceStep) and step.save == field:
                for option in step.choices:
                    if value in (option.id, option.value):
                        return option.label
        return None

    def menu(self) -> list[tuple[str, str]]:
        """``(command, description)`` for every command a person can use, sorted: each
        dialogue's command with its description (or title), and the engine's own
        ``/resume`` with the ``system`` line that describes it."""
        entries = {
            cmd: " ".join((self.dialogues[d].description or self.dialogues[d].title).split())
            for cmd, d in self.commands.items()
        }
        entries.setdefault(RESUME_COMMAND, self.line("resume_command")[0])
        return sorted(entries.items())


# libyaml's parser when PyYAML was built with it (the wheels are): the same safe
# constructors, about ten times faster than the pure-Python parser, which was
# most of the bot's start-up time (and of every test that assembles the bot).
if TYPE_CHECKING:
    _SafeBase = yaml.SafeLoader
else:
    _SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):
    """SafeLoader that rejects a mapping with the same key twice."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong with a YAML file, and on which line: "duplicate key 'text' (line 9)"."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1})" if mark is not None else ""
    return f"{getattr(exc, 'problem', None) or exc}{where}"


def load_yaml_strict(text: str) -> Any:
    """Safe YAML that refuses a mapping with the same key twice (a second wording or
    nudge pasted under the same name would otherwise silently replace the first).
    Every content file (dialogues, nudges, group prompts) is read with it."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def read_yaml_file(path: Path, error: Callable[[list[str]], Exception]) -> Any:
    """A content file beside the dialogues (routing, words, nudges, group prompts)
    read with :func:`load_yaml_strict`; a file that cannot be read or parsed raises
    ``error`` with one problem naming the file (and the line)."""
    try:
        return load_yaml_strict(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error([f"{path.name}: cannot read: {exc.strerror}"]) from exc
    except yaml.YAMLError as exc:
        raise error([f"{path.name}: {yaml_problem(exc)}"]) from exc


def dialogue_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, expanding folders to their ``*.yaml`` (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        else:
            files.append(path)
    return files


def _step_of(loc: tuple[int | str, ...]) -> str:
    """The step a pydantic error location points into, if any."""
    if len(loc) >= 2 and loc[0] == "steps":
        return str(loc[1])
    return ""


def _read_raw(path: Path, name: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A dialogue file's parsed YAML mapping, or the problems that prevent it."""
    try:
        raw = load_yaml_strict(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [Problem(name, path.stem, "", "readable", f"cannot read: {exc.strerror}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, path.stem, "", "yaml", yaml_problem(exc))]
    if not isinstance(raw, dict):
        return None, [Problem(name, path.stem, "", "schema", "the file must hold one mapping")]
    return raw, []


def parse_file(path: Path) -> tuple[LoadedDialogue | None, list[Problem]]:
    """One file into a :class:`LoadedDialogue`, or the problems that prevent it."""
    raw, problems = _read_raw(path, path.name)
    if raw is None:
        return None, problems
    return parse_raw(raw, path, path.name)


def parse_raw(raw: dict[str, Any], path: Path, name: str
              ) -> tuple[LoadedDialogue | None, list[Problem]]:
    """A parsed dialogue mapping into a :class:`LoadedDialogue` (problems name ``name``)."""
    dialogue_id = str(raw.get("id", path.stem))
    try:
        dialogue = Dialogue.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            field = ".".join(str(part) for part in loc)
            problems.append(
                Problem(name, dialogue_id, _step_of(loc), "schema", f"{field}: {error['msg']}")
            )
        return None, problems
    return LoadedDialogue(dialogue, path), []


@dataclass(frozen=True, slots=True)
class Locale:
    """One language's dialogues (English structure, its texts) and its words."""

    info: LocaleInfo
    dialogues: DialogueSet
    coverage: Coverage


def load_locales(english_dir: Path, *, limits: MessageLimits = NO_LIMITS
                 ) -> tuple[dict[str, Locale], list[Problem]]:
    """Every language beside the English dialogues in ``english_dir``, validated
    like English; the problems name the translated file, dialogue and step."""
    locales: dict[str, Locale] = {}
    problems: list[Problem] = []
    english_files = dialogue_files([english_dir])
    for folder in locale_folders(english_dir):
        code = folder.name
        raw_info, info_problems = _read_raw(folder / LOCALE_FILE, f"{code}/{LOCALE_FILE}")
        if raw_info is None:
            problems += info_problems
            continue
        info, messages = read_locale_info(raw_info, folder=code)
        if info is None:
            problems += [Problem(f"{code}/{LOCALE_FILE}", "-", "", "locale", m)
                         for m in messages]
            continue
        loaded, found, coverage = _load_locale(english_files, folder, info)
        found += [replace(p, file=f"{code}/{p.file}") for p in validate_set(loaded, limits)]
        problems += found
        if not found:
            dialogues = {item.dialogue.id: item.dialogue for item in loaded}
            commands = {d.command: d.id for d in dialogues.values() if d.command is not None}
            locales[code] = Locale(info, DialogueSet(dialogues, commands), coverage)
    return locales, problems


def _load_locale(english_files: Sequence[Path], folder: Path, info: LocaleInfo
                 ) -> tuple[list[LoadedDialogue], list[Problem], Coverage]:
    code = folder.name
    coverage = Coverage()
    loaded: list[LoadedDialogue] = []
    problems: list[Problem] = []
    for english_path in english_files:
        english, found = _read_raw(english_path, english_path.name)
        if english is None:
            continue  # the English set reports it
        local_path = folder / english_path.name
        name = f"{code}/{english_path.name}"
        dialogue_id = str(english.get("id", english_path.stem))
        allowed = english_path.name in info.english_files
        if local_path.is_file():
            local, found = _read_raw(local_path, name)
            problems += found
        else:
            local = None
            if not allowed:
                problems.append(Problem(name, dialogue_id, "", "translated",
                                        f"no translation (list {english_path.name} under "
                                        f"english_files in {LOCALE_FILE} to say it in English)"))
        merged, merge_problems = merge_texts(english, local or {}, file=name,
                                             english_allowed=allowed or local is None,
                                             coverage=coverage)
        problems += [Problem(name, dialogue_id, step, "translated", message)
                     for step, message in merge_problems]
        item, found = parse_raw(merged, local_path, name)
        problems += found
        if item is not None:
            loaded.append(item)
    return loaded, problems, coverage


def check_dialogues(paths: Iterable[Path], *, require_core: bool = True,
                    limits: MessageLimits = NO_LIMITS) -> list[Problem]:
    """Every problem in the given files or folders; empty when all is well.  Texts
    and buttons are held to ``limits`` (the platforms', see ``bot.app.message_limits``)."""
    _, problems = _load(paths, require_core=require_core, limits=limits)
    return problems


def load_dialogues(paths: Iterable[Path], *, require_core: bool = True,
                   limits: MessageLimits = NO_LIMITS) -> DialogueSet:
    """Load and validate (texts and buttons against ``limits``); raise
    :class:`DialogueError` listing every problem."""
    loaded, problems = _load(paths, require_core=require_core, limits=limits)
    if problems:
        raise DialogueError(problems)
    dialogues = {item.dialogue.id: item.dialogue for item in loaded}
    commands = {d.command: d.id for d in dialogues.values() if d.command is not None}
    return DialogueSet(dialogues, commands)


def _load(
    paths: Iterable[Path], *, require_core: bool, limits: MessageLimits
) -> tuple[list[LoadedDialogue], list[Problem]]:
    paths = list(paths)
    files = dialogue_files(paths)
    problems: list[Problem] = []
    loaded: list[LoadedDialogue] = []
    if not files:
        where = ", ".join(str(p) for p in paths) or "(nothing)"
        return [], [Problem(where, "-", "", "found", "no dialogue files found")]
    for path in files:
        item, file_problems = parse_file(path)
        problems += file_problems
        if item is not None:
            loaded.append(item)
    problems += validate_set(loaded, limits)
    if require_core:
        where = files[0].parent.name if files else ""
        problems += validate_required({i.dialogue.id: i for i in loaded}, where)
    return loaded, problems
