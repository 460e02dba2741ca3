"""Dialogues in other languages: English structure with the locale's texts laid over
it, validated like English, every gap named with its file, dialogue and step."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import build_engine
from bot.cli import main
from bot.config import Settings
from bot.dialogue.loader import dialogue_files, load_dialogues, load_locales
from bot.dialogue.locales import LOCALE_FILE, LOCALES_DIR, Coverage, merge_texts
from bot.engine import Engine, Turn
from bot.state import ConversationState, Profile
from bot.types import Assessment, ConversationKey, SendText, UpdateProfile
from tests.events import event as make_event

ENGLISH = Path(__file__).resolve().parent.parent / "dialogues"
INFO = {"language": "xx", "name": "Xish", "register": "informal",
        "words": {"skip": ["saltar"], "stop": ["basta"]}}


def _translated(value: Any, key: str = "") -> Any:
    """Every text marked as Xish: a stand-in translation that keeps placeholders."""
    if isinstance(value, dict):
        return {k: _translated(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_translated(v, key) for v in value]
    if isinstance(value, str) and key in {"say", "label", "title", "description", "invalid",
                                          "stuck", "empty", "private_button", "lines"}:
        return "XX " + value
    return value


def _english_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "dialogues"
    shutil.copytree(ENGLISH, folder, ignore=shutil.ignore_patterns(LOCALES_DIR))
    return folder


def _locale(folder: Path, info: dict[str, Any] = INFO, *, skip: tuple[str, ...] = ()) -> Path:
    """An 'xx' locale with every English dialogue file translated (but ``skip``)."""
    target = folder / LOCALES_DIR / "xx"
    target.mkdir(parents=True)
    (target / LOCALE_FILE).write_text(yaml.safe_dump(info), encoding="utf-8")
    for path in dialogue_files([folder]):
        if path.name in skip:
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "lines" in raw:  # the system lines: name -> wordings
            raw["lines"] = {k: _translated(v, "lines") for k, v in raw["lines"].items()}
        (target / path.name).write_text(yaml.safe_dump(_translated(raw), allow_unicode=True),
                                        encoding="utf-8")
    return target


def test_a_full_translation_keeps_the_english_structure_and_says_its_own_words(
    tmp_path: Path,
) -> None:
    folder = _english_copy(tmp_path)
    _locale(folder)
    english = load_dialogues([folder])
    locales, problems = load_locales(folder)
    assert problems == []
    xx = locales["xx"]
    assert xx.info.name == "Xish"
    assert xx.coverage.share == 1.0 and xx.coverage.lines > 500
    belief, english_belief = xx.dialogues["belief"], english["belief"]
    assert belief.steps.keys() == english_belief.steps.keys()
    assert belief.start == english_belief.start
    for step_id, step in belief.steps.items():
        say = getattr(step, "say", None)
        if say:
            assert all(text.startswith("XX ") for text in say), step_id
    assert xx.dialogues.line("unknown_command")[0].startswith("XX ")
    assert xx.dialogues.commands == english.commands


def test_a_missing_file_is_named_unless_the_locale_says_it_stays_english(
    tmp_path: Path,
) -> None:
    folder = _english_copy(tmp_path)
    _locale(folder, skip=("tools.yaml",))
    locales, problems = load_locales(folder)
    assert "xx" not in locales
    assert [str(p) for p in problems] == [
        "xx/tools.yaml: dialogue 'tools': [translated] no translation (list tools.yaml "
        "under english_files in locale.yaml to say it in English)"
    ]
    shutil.rmtree(folder / LOCALES_DIR)
    _locale(folder, {**INFO, "english_files": ["tools.yaml"]}, skip=("tools.yaml",))
    locales, problems = load_locales(folder)
    assert problems == []
    coverage = locales["xx"].coverage
    assert 0.9 < coverage.share < 1.0
    assert {file for file, _, _ in coverage.missing} == {"xx/tools.yaml"}


def test_gaps_in_a_translated_file_are_named_with_file_dialogue_and_step(
    tmp_path: Path,
) -> None:
    english = {"id": "demo", "title": "Demo", "steps": {
        "ask": {"kind": "ask_text", "say": ["What happened, {name|friend}?", "Tell me?"],
                "save": "story", "next": "end"},
        "pick": {"kind": "ask_choice", "say": "Which?", "choices": [
            {"id": "a", "label": "First", "also": ["one"]},
            {"id": "b", "label": "Second"}]},
    }}
    local = {"id": "demo", "title": "Demo-xx", "steps": {
        "ask": {"say": ["¿Qué pasó, {nombre}?"]},
        "pick": {"say": "¿Cuál?", "choices": [{"id": "b", "label": "Segunda"},
                                             {"id": "a", "label": "Primera", "also": ["uno"]}]},
        "gone": {"say": "Old step"},
    }}
    coverage = Coverage()
    merged, problems = merge_texts(english, local, file="xx/demo.yaml", coverage=coverage)
    assert sorted(problems) == [
        ("ask", "say: 1 wording(s), English has 2"),
        ("ask", "say: {nombre} is not in the English line"),
        ("gone", "no such step in the English file"),
    ]
    # buttons are matched by id, and typed synonyms are the locale's own
    choices = merged["steps"]["pick"]["choices"]
    assert [(c["id"], c["label"], c.get("also")) for c in choices] == [
        ("a", "Primera", ["uno"]), ("b", "Segunda", None)]
    assert merged["steps"]["ask"]["save"] == "story" and merged["title"] == "Demo-xx"
    assert (coverage.lines, coverage.translated) == (5, 5)


def test_a_text_left_out_of_a_translated_file_is_a_problem(tmp_path: Path) -> None:
    english = {"id": "demo", "title": "Demo", "steps": {"hi": {"kind": "say", "say": "Hi"}}}
    _, problems = merge_texts(english, {"id": "demo"}, file="xx/demo.yaml")
    assert sorted(problems) == [("", "title: no translation"), ("hi", "say: no translation")]


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ({"language": "yy", "name": "Y"}, "language 'yy' is in folder 'xx'"),
        ({"language": "xx"}, "name: Field required"),
        ({**INFO, "words": {"skipp": ["x"]}}, "words.skipp: Extra inputs are not permitted"),
    ],
)
def test_a_wrong_locale_file_is_named(tmp_path: Path, info: dict[str, Any],
                                      message: str) -> None:
    folder = _english_copy(tmp_path)
    _locale(folder, info)
    locales, problems = load_locales(folder)
    assert locales == {}
    assert [p.message for p in problems] == [f"{LOCALE_FILE}: {message}"]


def test_dialogues_check_reports_each_locales_coverage_and_gaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _english_copy(tmp_path)
    _locale(folder, {**INFO, "english_files": ["tools.yaml"]}, skip=("tools.yaml",))
    assert main(["dialogues", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "locale xx (Xish): " in out and "said in English" in out
    (folder / LOCALES_DIR / "xx" / "menu.yaml").unlink()
    assert main(["dialogues", "check", str(folder)]) == 1
    assert "xx/menu.yaml: dialogue 'menu': [translated] no translation" in capsys.readouterr().out


# --- speaking the person's language --------------------------------------------------

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


class Newcomer:
    """Someone new talking to an engine, profile changes applied as the runtime would."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.key = ConversationKey("test", "chat", "new")
        self.state = ConversationState()
        self.profile = Profile()
        self.n = 0
        self.buttons: dict[str, str] = {}

    def send(self, kind: str, risk: str = "none", **fields: str) -> list[str]:
        self.n += 1
        made = make_event(self.key, str(self.n), NOW, kind, **fields)
        verdict = Assessment(risk, ("test",)) if risk != "none" else Assessment()  # type: ignore[arg-type]
        outcome = self.engine.step(self.state, Turn(made, NOW, self.profile, verdict))
        self.state = outcome.state
        texts = []
        for action in outcome.actions:
            if isinstance(action, UpdateProfile):
                self.profile = Profile.model_validate({**self.profile.model_dump(),
                                                       **action.changes})
            if isinstance(action, SendText):
                texts.append(action.plain)
                if action.choices:
                    self.buttons = {c.label: c.id for c in action.choices}
        return texts


@pytest.fixture(scope="module")
def engine_with_xish(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # The stand-in translation under a real code, so /language can choose it.
    folder = _english_copy(tmp_path_factory.mktemp("locales"))
    info = {**INFO, "language": "es", "common": ["que", "estoy", "muy", "me", "no"]}
    target = _locale(folder, info)
    target.rename(target.parent / "es")
    return build_engine(Settings(dialogues_dir=folder))


@pytest.mark.parametrize("language", ["es", "es-419", "es_MX"])
def test_someone_new_is_met_in_the_language_their_platform_reports(
    engine_with_xish: Engine, language: str
) -> None:
    person = Newcomer(engine_with_xish)
    replies = person.send("command", command="start", language=language)
    assert person.profile.locale == "es"
    assert replies and all(text.startswith("XX ") for text in replies)


def test_without_a_platform_language_the_first_message_decides(engine_with_xish: Engine) -> None:
    spanish = Newcomer(engine_with_xish)
    assert spanish.send("text", text="hola, estoy muy triste y no sé que hacer")[0].startswith(
        "XX ")
    assert spanish.profile.locale == "es"
    english = Newcomer(engine_with_xish)
    assert not english.send("text", text="hi")[0].startswith("XX ")
    assert english.profile.locale == "en"
    # a language that is not installed: English, not a guess
    french = Newcomer(engine_with_xish)
    french.send("command", command="start", language="fr")
    assert french.profile.locale == "en"


def test_language_changes_it_at_any_time_and_the_answer_is_in_the_new_language(
    engine_with_xish: Engine,
) -> None:
    person = Newcomer(engine_with_xish)
    person.send("command", command="start", language="en")
    assert person.profile.locale == "en"
    person.send("command", command="language")
    replies = person.send("choice", choice=person.buttons["Español"])
    assert person.profile.locale == "es"
    assert replies[-1].startswith("XX ")
    person.send("command", command="language")
    assert not person.send("text", text="english")[-1].startswith("XX ")
    assert person.profile.locale == "en"


# --- the shipped languages ------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return build_engine(Settings(dialogues_dir=ENGLISH))


@pytest.mark.parametrize(("opening", "language"), [
    ("Hola, necesito ayuda", "es"), ("Buenas tardes, estoy fatal", "es"),
    ("Hallo, mir geht es schlecht", "de"), ("hi i need help", "en"), ("hey whats up", "en"),
])
def test_a_greeting_that_opens_the_first_message_decides_its_language(
        shipped: Engine, opening: str, language: str) -> None:
    """A trial's "Hola, necesito ayuda" was met in English: only a greeting alone
    counted.  English greetings decide nothing ("hi" is in every chat)."""
    newcomer = Newcomer(shipped)
    newcomer.send("text", text=opening)
    assert newcomer.profile.locale == language


@pytest.mark.parametrize("opening", [
    "bonjour, j'ai besoin de parler à quelqu'un",
    "hallo, ik moet met iemand praten",
    "ciao, ho bisogno di parlare con qualcuno",
])
def test_a_language_the_bot_does_not_speak_is_met_in_english_not_a_neighbour(
        shipped: Engine, opening: str) -> None:
    """A trial's French opening was answered in Spanish ("de", "a" are Spanish
    words too), with its French helplines worded in Spanish; a Dutch one in German."""
    newcomer = Newcomer(shipped)
    newcomer.send("text", text=opening)
    assert newcomer.profile.locale == "en"


def test_spanish_german_and_portuguese_are_installed_and_complete(shipped: Engine) -> None:
    assert {code: locale.info.name for code, locale in shipped.locales.items()} == {
        "de": "Deutsch", "es": "Español", "pt": "Português"}
    for locale in shipped.locales.values():
        # Only what a language says in English on purpose (the validated items of
        # the self-compassion measure, locale.yaml's english_files) is untranslated.
        said_in_english = {file.rsplit("/", 1)[-1] for file, _, _ in locale.coverage.missing}
        assert said_in_english == {"measure.yaml"}
        # Within it, only the questionnaires' items: what the bot says around them
        # (scores, the offer of more questions, goodbye) is in the person's language.
        # A trial in Spanish got "Thank you. Your self-compassion score today...".
        steps = {step for _, step, _ in locale.coverage.missing}
        questionnaire = {s for s in steps if s.startswith(("scs_item_", "phq_", "gad_"))}
        assert steps - questionnaire == {"self_harm"}
        assert set(locale.info.english_files) == {"measure.yaml"}
        assert locale.dialogues.commands == shipped.dialogues.commands


@pytest.mark.parametrize(
    ("language", "skip", "unsure", "stop", "seven"),
    [
        ("es", "saltar", "no sé", "parar", "siete"),
        ("de", "überspringen", "weiß nicht", "stopp", "sieben"),
        ("pt", "pular", "não sei", "parar", "sete"),
    ],
)
def test_the_words_each_language_tells_people_to_type_work(
    shipped: Engine, language: str, skip: str, unsure: str, stop: str, seven: str
) -> None:
    person = Newcomer(shipped)
    person.profile = Profile(onboarded=True, consent=True, country="ES", locale=language)
    person.send("command", command="checkin")
    person.send("text", text=seven)  # a number in words answers the 0-10 scale
    assert person.state.current is not None
    assert person.state.current.vars["mood"] == 7
    person.send("command", command="checkin")
    person.send("text", text=f"~{seven}, más o menos")  # and inside a few words
    assert person.state.current is not None
    assert person.state.current.vars["mood"] == 7
    person.send("command", command="mistake")  # a 0-10 scale, then "what happened?"
    person.send("text", text=skip)
    assert _where(person) == ("mistake", "what")
    person.send("text", text=unsure)  # "I don't know": an example first, not a skip
    assert _where(person) == ("mistake", "what")
    assert person.state.current is not None and person.state.current.helped
    person.send("text", text=stop)
    assert person.state.current is None


def _where(person: Newcomer) -> tuple[str, str] | None:
    frame = person.state.current
    return (frame.dialogue, frame.step) if frame else None


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "tengo un ataque de pánico y no puedo respirar", "breathing"),
        ("es", "hola", "menu"),
        ("de", "ich bin total ausgebrannt, mein akku ist leer", "reset"),
        ("pt", "hoje eu me cuidei e fiz uma comida gostosa pra mim", "compassion_log"),
    ],
)
def test_free_text_in_each_language_finds_its_exercise(
    shipped: Engine, language: str, text: str, expected: str
) -> None:
    person = Newcomer(shipped)
    person.profile = Profile(onboarded=True, consent=True, country="ES", locale=language)
    person.send("text", text=text)
    assert person.state.current is not None
    assert person.state.current.dialogue == expected


@pytest.mark.parametrize(
    ("language", "unsure", "fine"),
    [("es", "no sé", "sí, estoy bien"), ("de", "weiß nicht", "ja, geht schon"),
     ("pt", "não sei", "sim, tô bem")],
)
def test_in_the_safety_questions_a_vague_answer_is_an_answer_not_a_skip(
    shipped: Engine, language: str, unsure: str, fine: str
) -> None:
    person = Newcomer(shipped)
    person.profile = Profile(onboarded=True, consent=True, country="ES", locale=language)
    person.send("text", risk="concern", text="...")  # "are you safe right now?"
    asked = _where(person)
    assert asked is not None and asked[0] == "concern"
    replies = person.send("text", text=unsure)
    assert _where(person) != asked  # answered with the "not sure" button, and moved on
    skipped = shipped.dialogues_for(language).line("skipped")
    assert not any(reply in skipped for reply in replies)  # never "we can leave that one"
    person = Newcomer(shipped)
    person.profile = Profile(onboarded=True, consent=True, country="ES", locale=language)
    person.send("text", risk="concern", text="...")
    person.send("text", text=fine)  # a short yes in their words is the yes button
    assert person.state.current is None or person.state.current.dialogue != "concern" or \
        person.state.current.step != asked[1]


@pytest.mark.parametrize(("language", "command"),
                         [("es", "ayuda"), ("de", "hilfe"), ("pt", "ajuda")])
def test_help_as_a_command_in_the_persons_language_shows_the_lines(
    shipped: Engine, language: str, command: str
) -> None:
    person = Newcomer(shipped)
    person.profile = Profile(onboarded=True, consent=True, country="ES", locale=language)
    assert "024" in "\n".join(person.send("command", command=command))  # Spain's line
    english = Newcomer(shipped)
    english.profile = Profile(onboarded=True, consent=True, country="ES", locale="en")
    assert "024" not in "\n".join(english.send("command", command=command))  # unknown there


def test_the_nudge_days_a_person_chose_are_shown_in_their_words(shipped: Engine) -> None:
    person = Newcomer(shipped)
    person.profile = Profile(onboarded=True, consent=True, country="ES", locale="es",
                             nudge_on=True, nudge_days="mon,wed,fri")  # type: ignore[call-arg]
    shown = "\n".join(person.send("command", command="nudges"))
    assert "lun, mié, vie" in shown and "mon,wed,fri" not in shown


@pytest.mark.parametrize(
    ("typed", "country"),
    [("España", "ES"), ("México", "MX"), ("Deutschland", "DE"), ("Österreich", "AT"),
     ("Schweiz", "CH"), ("Brasil", "BR"), ("Großbritannien", "GB"), ("Inglaterra", "GB"),
     ("Estados Unidos", "US"), ("Vereinigte Staaten", "US"), ("França", "FR")],
)
def test_a_country_is_understood_by_its_name_in_each_language(
    shipped: Engine, typed: str, country: str
) -> None:
    for language in ("es", "de", "pt"):
        assert shipped.services.parsers_for(language)["country"](typed) == country
