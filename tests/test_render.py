"""Message rendering for each platform, and splitting long messages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.render import as_html, as_markdown, plain, split_message
from bot.types import Segment


def test_html_escapes_the_persons_words_and_our_own_text() -> None:
    segments = (Segment("You said: "), Segment("<b>I'm a mess</b> & done", quoted=True))
    assert as_html(segments) == "You said: <i>&lt;b&gt;I'm a mess&lt;/b&gt; &amp; done</i>"


def test_markdown_escapes_everything_and_italicises_quotes() -> None:
    segments = (Segment("1 - 2 "), Segment("*bold* _x_ [l](u) @everyone", quoted=True))
    rendered = as_markdown(segments)
    assert rendered == r"1 \- 2 *\*bold\* \_x\_ \[l\]\(u\) \@everyone*"


def test_split_prefers_sentence_ends() -> None:
    text = "One short sentence. " * 10 + "The end."
    pieces = split_message(text, 50)
    assert all(len(p) <= 50 for p in pieces)
    assert all(p.endswith((".", "end.")) for p in pieces)


def test_split_keeps_short_text_whole() -> None:
    assert split_message("Hello.", 4096) == ["Hello."]


@given(st.text(max_size=3000), st.integers(min_value=20, max_value=500))
def test_split_never_exceeds_the_limit_and_loses_nothing_but_spaces(text: str, limit: int) -> None:
    pieces = split_message(text, limit)
    assert all(len(p) <= limit for p in pieces)
    # Only whitespace may go at a cut; every other character stays, in order.
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


def test_plain_joins_segments() -> None:
    assert plain((Segment("a"), Segment("b", quoted=True))) == "ab"


def test_markdown_keeps_our_links_clickable_but_not_the_persons() -> None:
    segments = (
        Segment("See https://findahelpline.com/countries-x. "),
        Segment("https://evil.example/a-b", quoted=True),
    )
    rendered = as_markdown(segments)
    assert "https://findahelpline.com/countries-x. " in rendered
    assert "https\\://evil.example/a\\-b" in rendered
