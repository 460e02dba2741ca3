"""The nudge settings' parsers in Spanish, German and Portuguese: what people in
those languages type for a time zone, a time or window, quiet hours and days,
read with their section of ``dialogues/library/words.yaml``.

Each table holds realistic answers and the stored value; the ``SAME_AS`` tables
check an answer against the English answer that means the same thing, so that
the languages cannot drift apart.  Answers that must be asked again are listed
too, and property tests show that no text makes a parser raise in any language.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nudges.parse import parse_days, parse_quiet_hours, parse_time_window, parse_timezone
from bot.nudges.schedule import NudgeSettings, read_clock, read_span
from bot.nudges.words import WORDS_FILE, ParseWords, WordsError, load_words, parse_words

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"
LANGUAGES = ("es", "de", "pt")
WORDS = {language: load_words(DIALOGUES / WORDS_FILE, language)
         for language in ("en", *LANGUAGES)}


def words(language: str) -> ParseWords:
    return WORDS[language]


def raw_sections() -> dict[str, dict[str, object]]:
    raw: dict[str, dict[str, object]] = yaml.safe_load(
        (DIALOGUES / WORDS_FILE).read_text(encoding="utf-8"))
    return raw


def cases(table: dict[str, dict[str, str | None]]) -> list[tuple[str, str, str | None]]:
    return [(language, typed, stored) for language, answers in table.items()
            for typed, stored in answers.items()]


def not_cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(language, typed) for language, answers in table.items() for typed in answers]


# --- the file ------------------------------------------------------------------------

def test_every_language_has_a_complete_section() -> None:
    sections = raw_sections()
    assert set(LANGUAGES) <= set(sections)
    for language in LANGUAGES:
        assert set(sections[language]) == set(sections["en"]), language


def test_the_new_keys_are_checked_and_named() -> None:
    section = raw_sections()["es"]
    section["clock_phrases"] = {"after_hour": {"y media": 90}, "before_hour": {}}
    section["day_parts"] = {"morning": ["De La Mañana"], "afternoon": [], "night": []}
    section["meridiem"] = {"am": ["am"], "pm": ["am"]}
    section["day_suffixes"] = ["Feira"]
    with pytest.raises(WordsError) as caught:
        parse_words({"es": section}, "words.yaml")
    problems = caught.value.problems
    for expected in ("words.yaml: es.clock_phrases.after_hour.y media: 90 is not",
                     "words.yaml: es.day_parts.morning: 'De La Mañana': must be lower-case",
                     "words.yaml: es.meridiem.pm: 'am' is also in meridiem.am",
                     "words.yaml: es.day_suffixes: 'Feira': write it as 'feira'"):
        assert any(p.startswith(expected) for p in problems), (expected, problems)


def test_a_section_without_am_and_pm_words_is_refused() -> None:
    # Without them "9am" would quietly stop being read.
    section = raw_sections()["de"]
    del section["meridiem"]
    with pytest.raises(WordsError, match=r"words\.yaml: de\.meridiem: Field required"):
        parse_words({"de": section}, "words.yaml")


# --- time zones ----------------------------------------------------------------------

TIMEZONES: dict[str, dict[str, str | None]] = {
    "es": {
        "Madrid": "Europe/Madrid",
        "Estoy en Barcelona": "Europe/Madrid",
        "Sevilla, España": "Europe/Madrid",
        "Canarias": "Atlantic/Canary",
        "Tenerife": "Atlantic/Canary",
        "Ciudad de México": "America/Mexico_City",
        "CDMX": "America/Mexico_City",
        "Guadalajara": "America/Mexico_City",
        "vivo en Buenos Aires": "America/Buenos_Aires",
        "Argentina": "America/Argentina/Buenos_Aires",
        "Bogotá": "America/Bogota",
        "Medellín": "America/Bogota",
        "Lima, Perú": "America/Lima",
        "Santiago de Chile": "America/Santiago",
        "San José, Costa Rica": "America/Costa_Rica",
        "La Habana": "America/Havana",
        "Nueva York": "America/New_York",
        "Londres": "Europe/London",
        "Múnich": "Europe/Berlin",
        "Alemania": "Europe/Berlin",
        "Tokio": "Asia/Tokyo",
        "GMT-5": "Etc/GMT+5",
    },
    "de": {
        "Berlin": "Europe/Berlin",
        "München": "Europe/Berlin",
        "Muenchen": "Europe/Berlin",
        "Köln": "Europe/Berlin",
        "Ich wohne in Hamburg": "Europe/Berlin",
        "Deutschland": "Europe/Berlin",
        "MEZ": "Europe/Berlin",
        "Wien": "Europe/Vienna",
        "Österreich": "Europe/Vienna",
        "Zürich": "Europe/Zurich",
        "Genf": "Europe/Zurich",
        "Schweiz": "Europe/Zurich",
        "Mailand": "Europe/Rome",
        "Rom": "Europe/Rome",
        "New York": "America/New_York",
        "London": "Europe/London",
        "Teneriffa": "Atlantic/Canary",
        "UTC+1": "Etc/GMT-1",
    },
    "pt": {
        "São Paulo": "America/Sao_Paulo",
        "Sao Paulo": "America/Sao_Paulo",
        "moro no Rio de Janeiro": "America/Sao_Paulo",
        "Brasília": "America/Sao_Paulo",
        "horário de Brasília": "America/Sao_Paulo",
        "Belo Horizonte": "America/Sao_Paulo",
        "Porto Alegre": "America/Sao_Paulo",
        "Salvador": "America/Bahia",
        "Recife": "America/Recife",
        "Manaus": "America/Manaus",
        "Cuiabá": "America/Cuiaba",
        "Lisboa": "Europe/Lisbon",
        "Porto": "Europe/Lisbon",
        "Açores": "Atlantic/Azores",
        "Madeira": "Atlantic/Madeira",
        "Luanda": "Africa/Luanda",
        "Moçambique": "Africa/Maputo",
        "Nova York": "America/New_York",
        "Nova Iorque": "America/New_York",
        "Londres": "Europe/London",
        "Munique": "Europe/Berlin",
        "UTC-3": "Etc/GMT+3",
    },
}
NOT_TIMEZONES = {
    "es": ["", "no sé", "tengo una reunión", "en algún sitio con playa", "x" * 500],
    "de": ["", "keine Ahnung", "irgendwo im Süden", "ein Troll"],
    "pt": ["", "não sei", "vou para a praia", "sei lá"],
}


@pytest.mark.parametrize(("language", "typed", "zone"), cases(TIMEZONES))
def test_time_zones_by_place_as_written_in_the_language(
        language: str, typed: str, zone: str) -> None:
    assert parse_timezone(typed, words(language)) == zone


@pytest.mark.parametrize(("language", "typed"), not_cases(NOT_TIMEZONES))
def test_what_is_no_place_is_asked_again(language: str, typed: str) -> None:
    assert parse_timezone(typed, words(language)) is None


# --- times and windows -------------------------------------------------------------------

WINDOWS: dict[str, dict[str, str | None]] = {
    "es": {
        "9": "09:00",
        "7:45": "07:45",
        "a las 9": "09:00",
        "sobre las 8": "08:00",
        "a las 8 de la tarde": "20:00",
        "a las 9 de la mañana": "09:00",
        "9 de la manana": "09:00",
        "8 de la noche": "20:00",
        "a la 1 de la tarde": "13:00",
        "a las 12 del mediodía": "12:00",
        "a las 8 y media de la tarde": "20:30",
        "9 menos cuarto": "08:45",
        "8 pm": "20:00",
        "8 p. m.": "20:00",
        "a las 20 horas": "20:00",
        "20 hs": "20:00",
        "20h30": "20:30",
        "a mediodía": "12:00",
        "medianoche": "00:00",
        "entre las 12 y las 14": "12:00-14:00",
        "de 9 a 11": "09:00-11:00",
        "de las 9 a las 11": "09:00-11:00",
        "desde las 9 hasta las 11": "09:00-11:00",
        "19:00-21:00": "19:00-21:00",
        "de 7 a 9 de la noche": "19:00-21:00",
        "por la tarde de 3 a 5": "15:00-17:00",
        "por la tarde, a las 5": "17:00",
        "de 10 de la mañana a 1 de la tarde": "10:00-13:00",
        "tipo a las 9": "09:00",
    },
    "de": {
        "9": "09:00",
        "um 20 Uhr": "20:00",
        "20 Uhr": "20:00",
        "20.30 Uhr": "20:30",
        "8 Uhr 30": "08:30",
        "um 8 Uhr abends": "20:00",
        "abends um 8": "20:00",
        "morgens um 9": "09:00",
        "um 7 Uhr früh": "07:00",
        "um 3 Uhr nachmittags": "15:00",
        "11 Uhr nachts": "23:00",
        "2 Uhr nachts": "02:00",
        "20 Uhr abends": "20:00",
        "halb 9": "08:30",
        "um halb 9 abends": "20:30",
        "viertel nach 8": "08:15",
        "viertel vor 9": "08:45",
        "gegen 8": "08:00",
        "ab 9": "09:00",
        "gegen Mittag": "12:00",
        "um Mitternacht": "00:00",
        "zwischen 9 und 11": "09:00-11:00",
        "von 9 bis 11 Uhr": "09:00-11:00",
        "9-11 Uhr": "09:00-11:00",
        "12-14": "12:00-14:00",
        "abends zwischen 8 und 10": "20:00-22:00",
        "zwischen 8 und 10 Uhr abends": "20:00-22:00",
    },
    "pt": {
        "9": "09:00",
        "às 20h": "20:00",
        "as 20h": "20:00",
        "20h30": "20:30",
        "20 horas": "20:00",
        "8 da noite": "20:00",
        "8h da noite": "20:00",
        "9 da manhã": "09:00",
        "9 da manha": "09:00",
        "às 3 da tarde": "15:00",
        "1 hora da tarde": "13:00",
        "2 da madrugada": "02:00",
        "às 8 e meia da noite": "20:30",
        "lá pelas 9": "09:00",
        "por volta das 7": "07:00",
        "ao meio-dia": "12:00",
        "meio dia": "12:00",
        "meio-dia e meia": "12:30",
        "à meia-noite": "00:00",
        "das 9 às 11": "09:00-11:00",
        "das 9h às 18h": "09:00-18:00",
        "entre 9 e 11": "09:00-11:00",
        "19-21": "19:00-21:00",
        "à tarde das 2 às 4": "14:00-16:00",
        "de manhã, às 9": "09:00",
    },
}
NOT_WINDOWS = {
    "es": ["", "por la noche", "mañana", "nunca", "a las 25", "13 de la mañana", "9:75",
           "de 9 a", "hasta las 11", "a las 9 o a las 10", "-9", "- de 9 a 11"],
    "de": ["", "abends", "morgen", "irgendwann", "25 Uhr", "15 Uhr morgens", "9 bis",
           "halb", "-20 Uhr"],
    "pt": ["", "de noite", "amanhã", "sei lá", "às 25h", "das 9 às", "9 ou 10", "-20h",
           "até as 11"],
}
# Each answer and the English answer that means the same.
SAME_AS_WINDOWS = {
    "es": {"a las 8 de la tarde": "8pm", "a las 9 de la mañana": "9am",
           "de 9 a 11 de la noche": "9-11pm", "entre las 9 y las 11": "between 9 and 11",
           "al mediodía": "noon"},
    "de": {"um 8 Uhr abends": "8pm", "morgens um 9": "9am", "von 9 bis 17 Uhr": "9 to 5",
           "zwischen 9 und 11": "between 9 and 11", "um Mitternacht": "midnight"},
    "pt": {"8 da noite": "8pm", "9 da manhã": "9am", "das 9 às 11 da noite": "9-11pm",
           "entre 9 e 11": "between 9 and 11", "meio-dia": "noon"},
}


@pytest.mark.parametrize(("language", "typed", "stored"), cases(WINDOWS))
def test_a_time_or_a_window(language: str, typed: str, stored: str) -> None:
    assert parse_time_window(typed, words(language)) == stored


@pytest.mark.parametrize(("language", "typed"), not_cases(NOT_WINDOWS))
def test_what_is_not_a_time_or_a_window_is_asked_again(language: str, typed: str) -> None:
    assert parse_time_window(typed, words(language)) is None


@pytest.mark.parametrize(("language", "typed", "english"), cases(SAME_AS_WINDOWS))
def test_a_time_reads_as_the_same_time_said_in_english(
        language: str, typed: str, english: str) -> None:
    expected = parse_time_window(english, words("en"))
    assert expected is not None
    assert parse_time_window(typed, words(language)) == expected


def test_each_language_reads_only_its_own_words() -> None:
    assert parse_time_window("a las 8 de la tarde", words("en")) is None
    assert parse_time_window("um 8 Uhr abends", words("es")) is None
    assert parse_time_window("8 da noite", words("de")) is None
    # German writes no am/pm.
    assert parse_time_window("9 pm", words("de")) is None


# --- quiet hours -------------------------------------------------------------------------

QUIET: dict[str, dict[str, str | None]] = {
    "es": {
        "de 23:00 a 6:00": "23:00-06:00",
        "de 21:30 a 8:00": "21:30-08:00",
        "de 22 a 7": "22:00-07:00",
        "de 10 a 7": "22:00-07:00",
        "de 10 de la noche a 7 de la mañana": "22:00-07:00",
        "desde las 10 de la noche hasta las 7": "22:00-07:00",
        "11 de la noche a 6": "23:00-06:00",
        "22:00-7:00": "22:00-07:00",
        "ninguna": "none",
        "No, gracias": "none",
        "nunca": "none",
    },
    "de": {
        "22-7": "22:00-07:00",
        "23:00-07:00": "23:00-07:00",
        "von 22 bis 7 Uhr": "22:00-07:00",
        "zwischen 23 und 6 Uhr": "23:00-06:00",
        "nachts von 23 bis 6 Uhr": "23:00-06:00",
        "von 10 Uhr abends bis 7 Uhr morgens": "22:00-07:00",
        "keine": "none",
        "Keine Ruhezeiten": "none",
        "nein, danke": "none",
    },
    "pt": {
        "23:00-06:00": "23:00-06:00",
        "das 22h às 7h": "22:00-07:00",
        "22 às 7": "22:00-07:00",
        "das 10 da noite às 7 da manhã": "22:00-07:00",
        "das 23h30 às 6h": "23:30-06:00",
        "nenhum": "none",
        "Não, obrigado": "none",
        "não": "none",
    },
}
NOT_QUIET = {
    "es": ["", "9", "por la noche", "de 10 a 10", "a las 22"],
    "de": ["", "9 Uhr", "nachts", "ja"],
    "pt": ["", "22h", "de noite", "sim"],
}


@pytest.mark.parametrize(("language", "typed", "stored"), cases(QUIET))
def test_quiet_hours(language: str, typed: str, stored: str) -> None:
    assert parse_quiet_hours(typed, words(language)) == stored


@pytest.mark.parametrize(("language", "typed"), not_cases(NOT_QUIET))
def test_quiet_hours_need_a_start_and_an_end(language: str, typed: str) -> None:
    assert parse_quiet_hours(typed, words(language)) is None


# --- days ------------------------------------------------------------------------------

DAYS: dict[str, dict[str, str | None]] = {
    "es": {
        "lun mié vie": "mon,wed,fri",
        "lun mie vie": "mon,wed,fri",
        "martes y jueves": "tue,thu",
        "lun-jue": "mon,tue,wed,thu",
        "de martes a viernes": "tue,wed,thu,fri",
        "L-V": "mon,tue,wed,thu,fri",
        "entre semana": "mon,tue,wed,thu,fri",
        "días laborables": "mon,tue,wed,thu,fri",
        "fin de semana": "sat,sun",
        "los fines de semana": "sat,sun",
        "sábados y domingos": "sat,sun",
        "todos los días": "every",
        "todos": "every",
        "todos menos el domingo": "mon,tue,wed,thu,fri,sat",
        "todos los días excepto sábado": "mon,tue,wed,thu,fri,sun",
        "todos los lunes": "mon",
        "viernes a lunes": "mon,fri,sat,sun",
    },
    "de": {
        "Mo Mi Fr": "mon,wed,fri",
        "Dienstag und Donnerstag": "tue,thu",
        "Mo-Do": "mon,tue,wed,thu",
        "Mo.-Fr.": "mon,tue,wed,thu,fri",
        "Dienstag bis Freitag": "tue,wed,thu,fri",
        "werktags": "mon,tue,wed,thu,fri",
        "unter der Woche": "mon,tue,wed,thu,fri",
        "am Wochenende": "sat,sun",
        "jeden Tag": "every",
        "täglich": "every",
        "jeden Tag außer Sonntag": "mon,tue,wed,thu,fri,sat",
        "jeden Tag ausser Sonntag": "mon,tue,wed,thu,fri,sat",
        "nicht am Wochenende": "mon,tue,wed,thu,fri",
        "montags und freitags": "mon,fri",
        "jeden Montag": "mon",
        "alle": "every",
    },
    "pt": {
        "seg qua sex": "mon,wed,fri",
        "terça e quinta": "tue,thu",
        "terca e quinta": "tue,thu",
        "terças e quintas": "tue,thu",
        "de terça a sexta": "tue,wed,thu,fri",
        "segunda a sexta": "mon,tue,wed,thu,fri",
        "segunda-feira a sexta-feira": "mon,tue,wed,thu,fri",
        "2ª a 6ª": "mon,tue,wed,thu,fri",
        "seg-qui": "mon,tue,wed,thu",
        "seg à sex": "mon,tue,wed,thu,fri",
        "dias úteis": "mon,tue,wed,thu,fri",
        "fim de semana": "sat,sun",
        "final de semana": "sat,sun",
        "todo dia": "every",
        "todos os dias": "every",
        "todo dia menos domingo": "mon,tue,wed,thu,fri,sat",
        "todas as segundas": "mon",
        "sábados e domingos": "sat,sun",
    },
}
NOT_DAYS = {
    "es": ["", "no sé", "a veces", "nada", "ya veremos", "lunes pero no lunes"],
    "de": ["", "keine Ahnung", "manchmal", "nie", "mal sehen"],
    "pt": ["", "sei lá", "às vezes", "nenhum", "vamos ver"],
}
SAME_AS_DAYS = {
    "es": {"lunes, miércoles y viernes": "mon, wed and fri",
           "de lunes a jueves": "mon-thu", "entre semana": "weekdays",
           "todos los días menos el domingo": "every day except sunday",
           "fines de semana": "weekends"},
    "de": {"Montag, Mittwoch und Freitag": "mon, wed and fri",
           "Montag bis Donnerstag": "mon-thu", "werktags": "weekdays",
           "jeden Tag außer Sonntag": "every day except sunday",
           "Wochenende": "weekends"},
    "pt": {"segunda, quarta e sexta": "mon, wed and fri",
           "segunda a quinta": "mon-thu", "dias úteis": "weekdays",
           "todos os dias menos domingo": "every day except sunday",
           "fins de semana": "weekends"},
}


@pytest.mark.parametrize(("language", "typed", "stored"), cases(DAYS))
def test_days(language: str, typed: str, stored: str) -> None:
    assert parse_days(typed, words(language)) == stored


@pytest.mark.parametrize(("language", "typed"), not_cases(NOT_DAYS))
def test_what_names_no_day_is_asked_again(language: str, typed: str) -> None:
    assert parse_days(typed, words(language)) is None


@pytest.mark.parametrize(("language", "typed", "english"), cases(SAME_AS_DAYS))
def test_days_read_as_the_same_days_said_in_english(
        language: str, typed: str, english: str) -> None:
    expected = parse_days(english, words("en"))
    assert expected is not None
    assert parse_days(typed, words(language)) == expected


# --- properties ------------------------------------------------------------------------

TOKENS = {
    "es": ["9", "11", "12", "20", "a", "las", "la", "de", "y", "media", "cuarto", "menos",
           "tarde", "mañana", "noche", "p. m.", "a. m.", "h", "hs", "horas", "-", ":30", "mediodía",
           "lunes", "vie", "L", "X", "entre", "semana", "fin", "todos", "excepto", "días"],
    "de": ["9", "11", "12", "20", "um", "Uhr", "halb", "viertel", "vor", "nach", "abends",
           "morgens", "nachts", "bis", "und", "-", ":30", "Mittag", "Mo", "Fr", "werktags",
           "jeden", "Tag", "außer", "Wochenende"],
    "pt": ["9", "11", "12", "20", "às", "das", "da", "e", "meia", "manhã", "tarde", "noite",
           "h", "20h30", "horas", "-", ":30", "meio-dia", "seg", "sexta-feira", "2ª", "a",
           "dias", "úteis", "fim", "de", "semana", "menos"],
}
texts = st.one_of(
    st.text(max_size=120),
    st.text(alphabet="0123456789:.-+ apmhuhrdelasitz\ue000\ue003", max_size=20),
    st.lists(st.sampled_from(sorted({token for tokens in TOKENS.values() for token in tokens})),
             max_size=8).map(" ".join),
)


@given(st.sampled_from(LANGUAGES), texts)
@settings(max_examples=400, deadline=None)
def test_no_text_makes_a_parser_raise_and_every_answer_is_readable(
        language: str, text: str) -> None:
    known = words(language)
    zone = parse_timezone(text, known)
    if zone is not None:
        ZoneInfo(zone)
    window = parse_time_window(text, known)
    if window is not None:
        single, span = read_clock(window), read_span(window)
        assert single is not None or (span is not None and span[0] < span[1])
        assert NudgeSettings.from_profile({"nudge_window": window}).window_start == (
            single if single is not None else span[0])
    quiet = parse_quiet_hours(text, known)
    if quiet is not None:
        assert quiet == "none" or read_span(quiet) is not None
    days = parse_days(text, known)
    if days is not None:
        read = NudgeSettings.from_profile({"nudge_days": days}).days
        assert days == "every" or len(read) == days.count(",") + 1


@given(st.sampled_from([(language, typed) for language, typed, stored
                        in [*cases(WINDOWS), *cases(QUIET)] if stored != "none"]),
       st.sampled_from(["-", "- ", " -"]))
@settings(derandomize=True, deadline=None)
def test_a_time_with_a_minus_sign_in_front_is_never_read(
        answer: tuple[str, str], minus: str) -> None:
    language, typed = answer
    assert parse_time_window(minus + typed, words(language)) is None
    assert parse_quiet_hours(minus + typed, words(language)) is None
