"""The deck's workbook fields: `worksheet` and `looks_back` on a card, checked with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerdeck.deck.model import DeckError, load_deck

HEAD = """format: 1
title: T
author: A
capabilities:
  - number: 1
    title: One
    cards:
      - id: "1.1"
        title: First
        paragraphs: [Hello]
      - id: "1.2"
        title: Second
        paragraphs: [World]
"""


def deck_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(HEAD + "".join(f"        {line}\n" for line in extra.splitlines()), "utf-8")
    return path


def test_the_packaged_deck_marks_the_cards_that_ask_for_a_worksheet() -> None:
    deck = load_deck()
    kinds = {card.id: card.worksheet for card in deck.cards if card.worksheet}
    assert kinds == {"1.2": "map", "1.3": "voices", "5.3": "voices", "6.3": "voices",
                     "8.1": "list", "9.1": "list", "10.1": "notes", "10.3": "memo"}
    assert deck.card("2.3").looks_back == ("1.2", "1.3")
    assert deck.card("7.1").looks_back == ("1.2",)


def test_fields_are_read(tmp_path: Path) -> None:
    deck = load_deck(deck_with(tmp_path, 'worksheet: voices\nlooks_back: ["1.1"]'))
    card = deck.card("1.2")
    assert card.worksheet == "voices" and card.looks_back == ("1.1",)
    assert deck.card("1.1").worksheet is None and deck.card("1.1").looks_back == ()


@pytest.mark.parametrize(("extra", "line", "words"), [
    ("worksheet: sketch", 14, "worksheet should be one of voices, map, notes, list, memo"),
    ("worksheet: [map]", 14, "worksheet should be one of"),
    ("looks_back: 1.1", 14, '"looks_back" should be a list'),
    ("looks_back: [1.1]", 14, "was read as a number; quote card ids"),
    ('looks_back: ["9.9"]', 14, 'looks back to card "9.9", which is not in the deck'),
    ('looks_back: ["1.2"]', 14, "cannot look back to itself"),
    ("looks_back:\n  - \"1.1\"\n  - [x]", 16, "looks_back should list card ids"),
    ("pictures: yes", 14, 'unknown field "pictures"'),
])
def test_mistakes_are_one_line_with_the_line_number(tmp_path: Path, extra: str, line: int, words: str) -> None:
    with pytest.raises(DeckError) as info:
        load_deck(deck_with(tmp_path, extra))
    message = str(info.value)
    assert "\n" not in message and f", line {line}:" in message and words in message


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@settings(derandomize=True, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(worksheet=_values, looks_back=_values)
def test_any_values_load_or_fail_in_one_line(tmp_path: Path, worksheet: object, looks_back: object) -> None:
    import json

    extra = f"worksheet: {json.dumps(worksheet)}\nlooks_back: {json.dumps(looks_back)}"
    try:
        deck = load_deck(deck_with(tmp_path, extra))
    except DeckError as error:
        assert "\n" not in str(error)
    else:
        card = deck.card("1.2")
        assert card.worksheet in ("voices", "map", "notes", "list", "memo")
        assert all(ref == "1.1" for ref in card.looks_back)
