"""Nothing the bot says presents it as a therapist, a counsellor or therapy
(Illinois and Nevada forbid it; it would mislead the people it talks to)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue.claims import therapy_claim
from bot.dialogue.loader import DialogueError, load_dialogues

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", [
    "I'm your therapist, and I'm here for you.",
    "As an AI counsellor, I can help.",
    "Welcome to this therapy session.",
    "I offer therapy for anxiety.",
    "A therapy bot for hard days.",
    "Soy tu terapeuta.",
    "Ich bin deine Therapeutin.",
    "Sou seu terapeuta.",
    "Esta terapia te ayudará.",
])
def test_a_claim_is_found(text: str) -> None:
    assert therapy_claim(text) is not None


@pytest.mark.parametrize("text", [
    "I'm a bot, not a therapist, and not an emergency service.",
    "Which professionals could you contact? Your doctor, a therapist, a crisis line.",
    "I don't offer therapy.",
    "No soy terapeuta ni un servicio de emergencias.",
    "Ich bin ein Bot: kein Ersatz für eine Therapie.",
    "Não sou terapeuta nem serviço de emergência.",
    "A GP, a counsellor, a crisis line (/sos lists them).",
])
def test_a_denial_or_a_referral_is_not_a_claim(text: str) -> None:
    assert therapy_claim(text) is None


def test_a_dialogue_that_claims_it_is_refused_naming_file_and_step(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({
        "id": "bad", "title": "Talk", "start": "hello",
        "steps": {"hello": {"kind": "end", "say": "Hello, I'm your therapist today."}},
    }))
    with pytest.raises(DialogueError) as raised:
        load_dialogues([tmp_path], require_core=False)
    claims = [p for p in raised.value.problems if p.rule == "never_therapy"]
    assert claims and claims[0].file == "bad.yaml" and claims[0].step == "hello"


def test_the_library_and_the_readme_make_no_claim() -> None:
    texts: list[str] = [(REPO / "README.md").read_text(), (REPO / "SAFETY.md").read_text()]
    for folder in [REPO / "dialogues" / "library",
                   *sorted((REPO / "dialogues" / "locales").glob("*/library"))]:
        for path in sorted(folder.glob("*.yaml")):
            texts.append(path.read_text())
    found = [claim for text in texts for line in text.splitlines()
             if (claim := therapy_claim(line)) is not None]
    assert found == []
