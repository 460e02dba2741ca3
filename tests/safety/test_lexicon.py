"""Phrase lexicons for the languages without rule tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety.lexicon import DEFAULT_LEXICON_DIR, load_lexicons
from bot.safety.normalise import normalise

SHIPPED = {"it", "nl", "pl", "tr", "ru", "id", "ja", "hi", "hi-latn", "ar"}


def _lexicon(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _levels(directory: Path, text: str) -> list[str]:
    return [hit.level for hit in load_lexicons(directory).hits(normalise(text))]


def test_phrases_match_in_any_spelling_and_negation_and_idioms_cancel(tmp_path: Path) -> None:
    d = _lexicon(tmp_path, it="lang: it\ncrisis: [voglio morire, suicid*]\n"
                              "concern: [non ce la faccio più]\n"
                              "safe: [morire dal ridere]\nnegators: [non, mai]\n")
    assert _levels(d, "VOGLIO MORIIIRE stasera") == ["crisis"]
    assert _levels(d, "ho pensieri suicidi") == ["crisis"], "a '*' word takes any ending"
    assert _levels(d, "non ce la faccio piu") == ["concern"], "accents do not matter"
    assert _levels(d, "io non voglio morire") == []
    assert _levels(d, "sto per morire dal ridere") == []
    assert _levels(d, "voglio morirei") == [], "whole words only"


def test_a_phrase_is_tried_wherever_its_first_two_words_stand(tmp_path: Path) -> None:
    # Candidates whose second word is not the next word are skipped before the
    # regex: the skip must never lose a phrase.
    d = _lexicon(tmp_path, it="lang: it\ncrisis: [voglio morire, penso uccid*, fin*]\n"
                              "negators: [non]\n")
    assert _levels(d, "voglio voglio morire") == ["crisis"], "the second 'voglio' starts it"
    assert _levels(d, "voglio\n  morire") == ["crisis"], "any spacing between the words"
    assert _levels(d, "penso uccidermi") == ["crisis"], "a '*' second word takes any ending"
    assert _levels(d, "voglio mangiare e poi morire") == []
    assert _levels(d, "voglio") == [], "a phrase's first word alone"
    assert _levels(d, "finisco") == ["crisis"], "a one-word phrase needs no next word"


def test_unspaced_scripts_match_inside_the_text(tmp_path: Path) -> None:
    d = _lexicon(tmp_path, ja="lang: ja\ncrisis: [死にたい]\nsafe: [死にたいくらい眠い]\n")
    assert _levels(d, "もう本当に死にたい") == ["crisis"]
    assert _levels(d, "死にたいくらい眠いｗ") == []
    assert _levels(d, "死にたくない") == []


def test_a_malformed_lexicon_names_its_file(tmp_path: Path) -> None:
    _lexicon(tmp_path, xx="lang: xx\ncrisis: [a, '']\n")
    with pytest.raises(ValueError, match=r"xx.yaml: 'crisis' must be a list"):
        load_lexicons(tmp_path)
    _lexicon(tmp_path, xx="lang: xx\ncrisis: [a]\ncrisis: [b]\n")
    with pytest.raises(ValueError, match=r"xx.yaml: duplicate key 'crisis'"):
        load_lexicons(tmp_path)
    _lexicon(tmp_path, xx="lang: xx\ncrisiss: [a]\n")
    with pytest.raises(ValueError, match=r"xx.yaml: unknown keys"):
        load_lexicons(tmp_path)


def test_shipped_lexicons_cover_the_languages_without_rule_tables() -> None:
    lexicon = load_lexicons()
    assert set(lexicon.languages) >= SHIPPED
    for path in DEFAULT_LEXICON_DIR.glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(raw["crisis"]) >= 30, path.name
        # every crisis phrase is found on its own (nothing lost in normalising)
        missed = [p for p in raw["crisis"]
                  if not any(h.level == "crisis"
                             for h in lexicon.hits(normalise(p.replace("*", ""))))]
        assert len(missed) <= len(raw["crisis"]) // 20, (path.name, missed[:5])


def test_shipped_lexicons_stay_quiet_on_everyday_words() -> None:
    lexicon = load_lexicons()
    for text in ["I am proud of myself today", "ok", "see you tomorrow", "grazie mille",
                 "dziękuję", "teşekkürler", "спасибо", "terima kasih", "ありがとう",
                 "धन्यवाद", "shukriya", "شكرا"]:
        assert lexicon.hits(normalise(text)) == [], text


def test_a_topic_phrase_is_listed_once_not_also_as_a_bare_crisis() -> None:
    """Each phrase says one thing: under a topic (self_harm, abuse, eating_disorder,
    overdose) or someone_else, never also under crisis, where it would lose its topic."""
    for path in sorted(DEFAULT_LEXICON_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        crisis = set(raw.get("crisis") or [])
        for kind in ("self_harm", "abuse", "eating_disorder", "overdose", "someone_else"):
            both = crisis & set(raw.get(kind) or [])
            assert not both, f"{path.name}: {sorted(both)} under crisis and {kind}"


def test_the_words_around_a_phrase_negate_it_or_make_it_history(tmp_path: Path) -> None:
    d = _lexicon(tmp_path, it="lang: it\ncrisis: [farla finita, tagliarmi]\nnegators: [non]\n"
                              "transparent: [sto, pensando, di]\n"
                              "past: [anni fa]\npresent: [di nuovo]\npassed: [e mi è passata]\n",
                 tr="lang: tr\ncrisis: [intihar düşünce*]\nnegators_after: [yok]\n",
                 ja="lang: ja\ncrisis: [死にたい]\nnegators_after: [とかはない]\n")
    assert _levels(d, "non sto pensando di farla finita") == [], \
        "the scope runs over 'sto pensando di'"
    assert _levels(d, "non ce la faccio, sto pensando di farla finita") == ["crisis"], \
        "a negation does not cross a clause"
    assert _levels(d, "intihar düşüncem yok, sadece yorgunum") == []
    assert _levels(d, "intihar düşüncelerim var") == ["crisis"]
    assert _levels(d, "死にたいとかはない、疲れてるだけ") == []
    assert _levels(d, "anni fa volevo farla finita") == ["concern"], "told as past: asked about"
    assert _levels(d, "anni fa ci ho provato e di nuovo voglio farla finita") == ["crisis"]
    assert _levels(d, "volevo tagliarmi ma ho chiamato lei e mi è passata") == ["concern"]
    assert _levels(d, "e mi è passata la voglia di vivere, voglio tagliarmi") == ["crisis"], \
        "only an urge that passed after the phrase softens it"


def test_the_shipped_lexicons_read_denials_and_recovery_in_each_language() -> None:
    lexicon = load_lexicons()

    def levels(text: str) -> list[str]:
        return [hit.level for hit in lexicon.hits(normalise(text))]

    # everyday denials, each a false crisis before the context words (training corpus)
    for text in ("нет у меня суицидальных мыслей, просто бесит всё",
                 "non sto pensando di farla finita, sono solo esaurito dal lavoro",
                 "nie zamierzam się ciąć, po prostu muszę sobie ponarzekać",
                 "自分を終わらせたいとかじゃなくて、全部にイライラしてるだけ",
                 "tenang aja, aku ga ada pikiran bundir kok, cuma capek"):
        assert "crisis" not in levels(text), text
    assert levels("dwa lata temu chciałem się zabić, a dziś cieszę się że tu jestem") \
        == ["concern"]
    # and the same phrases, meant now, stay crises
    for text in ("chcę się zabić dziś w nocy", "хочу покончить с собой",
                 "voglio farla finita stasera", "死にたい", "aku pengen bunuh diri"):
        assert "crisis" in levels(text), text
