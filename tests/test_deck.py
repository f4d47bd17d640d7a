"""The packaged deck against the seed text, the Deck API, and every broken-deck message."""

from __future__ import annotations

import dataclasses
import os
import re
import time
from pathlib import Path

import pytest

from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import (
    Capability,
    Card,
    Deck,
    DeckError,
    Section,
    deck_path_from,
    load_deck,
)

ROOT = Path(__file__).resolve().parent.parent
# The seed text (the PDF's extracted words) is kept beside the tests so the comparison always runs.
SEED = Path(os.environ.get("POWERDECK_SEED", Path(__file__).parent / "data" / "power-shifting-cards.txt"))
CARD_LINE = re.compile(r"\d+\.\d+")
NUMBER_LINE = re.compile(r"\d+")
GUIDANCE_START = "Using the card deck"
CREDIT_START = "About the cards author"
LOGO_TEXT = "new nhs alliance"  # the logo above the credit, not transcribed


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck()


@pytest.fixture(scope="module")
def seed() -> dict:
    """The seed text cut into capability titles, card blocks, guidance and credit."""
    if not SEED.exists():
        pytest.skip(f"seed text not found at {SEED} (set POWERDECK_SEED)")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    capabilities: dict[int, str] = {}
    cards: dict[str, list[str]] = {}
    i = 0
    while i < len(lines) and lines[i].strip() != GUIDANCE_START:
        line = lines[i].strip()
        if NUMBER_LINE.fullmatch(line):
            j = i + 1
            while lines[j].strip():
                j += 1
            capabilities[int(line)] = norm(" ".join(lines[i + 1 : j]))
            i = j
        elif CARD_LINE.fullmatch(line):
            j = i + 1
            while not (
                NUMBER_LINE.fullmatch(lines[j].strip())
                or CARD_LINE.fullmatch(lines[j].strip())
                or lines[j].strip() == GUIDANCE_START
            ):
                j += 1
            cards[line] = lines[i + 1 : j]
            i = j
        else:
            i += 1
    rest = "\n".join(lines[i:])
    guidance, credit = rest.split(CREDIT_START)
    return {
        "capabilities": capabilities,
        "cards": cards,
        "guidance": norm(guidance),
        "credit": norm(CREDIT_START + credit),
    }


def mended(card_id: str, block: list[str]) -> str:
    """A seed card block, whitespace-normalised, with only the PDF-extraction damage mended."""
    text = norm(" ".join(block))
    if card_id == "1.1":
        repeated = _repeated_paragraph(block)
        text = norm(text[: text.rindex(repeated)] + text[text.rindex(repeated) + len(repeated) :])
    text = text.replace("and/ or", "and/or")
    return text.replace("report performance what measures", "report performance – what measures")


def _repeated_paragraph(block: list[str]) -> str:
    chunks = [norm(c) for c in "\n".join(block).split("\n\n") if c.strip()]
    repeated = [c for c in chunks if chunks.count(c) > 1]
    assert repeated, "the seed's card 1.1 should print one paragraph twice"
    return repeated[0]


# --- the packaged deck ----------------------------------------------------------------------


def test_ten_capabilities_and_31_cards_in_order(deck: Deck) -> None:
    assert [c.number for c in deck.capabilities] == list(range(1, 11))
    assert len(deck.cards) == 31
    expected = [f"{n}.{k}" for n in range(1, 11) for k in range(1, (5 if n == 10 else 4))]
    assert [card.id for card in deck.cards] == expected
    assert deck.cards[0].id == "1.1" and deck.cards[-1].id == "10.4"
    assert all(isinstance(card.id, str) for card in deck.cards)
    for capability in deck.capabilities:
        assert all(card.capability == capability.number for card in capability.cards)


def test_deck_metadata(deck: Deck) -> None:
    assert deck.title == "Power shifting cards"
    assert deck.author == "New NHS Alliance"
    assert Path(deck.source).name == "deck.yaml"


def test_capability_titles_match_the_seed(deck: Deck, seed: dict) -> None:
    assert {c.number: c.title for c in deck.capabilities} == seed["capabilities"]


def test_every_seed_card_is_in_the_deck(deck: Deck, seed: dict) -> None:
    assert list(seed["cards"]) == [card.id for card in deck.cards]


def test_first_and_last_paragraph_word_for_word(deck: Deck, seed: dict) -> None:
    for card in deck.cards:
        block = mended(card.id, seed["cards"][card.id])
        assert norm(card.paragraphs[0]) in block, card.id
        assert norm(card.paragraphs[-1]) in block, card.id
        assert block.endswith(norm(card.paragraphs[-1])), card.id


def test_whole_card_text_word_for_word(deck: Deck, seed: dict) -> None:
    """Title and paragraphs together are the seed block: nothing lost, added or reworded."""
    for card in deck.cards:
        ours = norm(" ".join((card.title, *card.paragraphs)))
        assert ours == mended(card.id, seed["cards"][card.id]), card.id


def test_card_1_1_repeated_paragraph_kept_once(deck: Deck, seed: dict) -> None:
    repeated = _repeated_paragraph(seed["cards"]["1.1"])
    assert [norm(p) for p in deck.card("1.1").paragraphs].count(repeated) == 1
    assert len(deck.card("1.1").paragraphs) == 3


def test_mends(deck: Deck) -> None:
    assert "report performance – what measures" in deck.card("9.3").paragraphs[1]
    assert "and/or work" in deck.card("9.1").paragraphs[0]
    for section in deck.guidance:
        assert all("\t" not in p and "  " not in p for p in section.paragraphs)


def test_paragraphs_are_clean_single_lines(deck: Deck) -> None:
    for card in deck.cards:
        assert card.title == norm(card.title) and "\n" not in card.title
        assert len(set(card.paragraphs)) == len(card.paragraphs), card.id
        for paragraph in card.paragraphs:
            assert paragraph == norm(paragraph), card.id


def test_questions_and_colons_end_paragraphs(deck: Deck, seed: dict) -> None:
    """A seed line ending in ? or : (outside brackets) ends a paragraph or the title."""
    for card in deck.cards:
        ends = [norm(p) for p in (card.title, *card.paragraphs)]
        depth = 0
        for line in seed["cards"][card.id]:
            depth += line.count("(") - line.count(")")
            text = norm(line)
            if text.endswith(("?", ":")) and depth == 0:
                assert any(end.endswith(text) for end in ends), (card.id, text)


def test_instruction_lists_are_one_paragraph_each(deck: Deck) -> None:
    counts = {card.id: len(card.paragraphs) for card in deck.cards}
    assert counts["4.2"] == 4
    assert counts["6.2"] == 6
    assert counts["8.1"] == 6
    assert counts["8.2"] == 6
    assert counts["10.3"] == 6


def test_typographic_quotes_kept(deck: Deck) -> None:
    everything = " ".join(" ".join((c.title, *c.paragraphs)) for c in deck.cards)
    assert "’" in everything and "‘" in everything and "“" in everything and "”" in everything
    assert "…" in deck.card("10.4").paragraphs[0]
    assert "'" not in everything


def test_guidance_word_for_word(deck: Deck, seed: dict) -> None:
    assert len(deck.guidance) == 2
    ours = norm(" ".join(" ".join((s.heading, *s.paragraphs)) for s in deck.guidance))
    assert ours == seed["guidance"]
    listed = [p for p in deck.guidance[1].paragraphs if re.match(r"\d+\. ", p)]
    assert listed == [f"{c.number}. {c.title}" for c in deck.capabilities]
    assert "neighbourhood multi-disciplinary team leaders" in deck.guidance[1].paragraphs[-1]


def test_credit_word_for_word(deck: Deck, seed: dict) -> None:
    assert deck.credit.heading == CREDIT_START
    ours = norm(" ".join((deck.credit.heading, *deck.credit.paragraphs)))
    assert ours == seed["credit"].replace(f"{CREDIT_START} {LOGO_TEXT} ", f"{CREDIT_START} ")
    text = " ".join(deck.credit.paragraphs)
    assert "New NHS Alliance" in text
    assert "www.nhsalliance.org/associate-members/" in text
    assert "www.nhsalliance.org/contact/" in text


def test_no_card_words_in_python_code(deck: Deck) -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    for card in deck.cards:
        for paragraph in card.paragraphs:
            assert paragraph not in source, card.id


def test_load_is_fast() -> None:
    load_deck()
    start = time.perf_counter()
    for _ in range(10):
        load_deck()
    assert (time.perf_counter() - start) / 10 < 0.1


# --- the API --------------------------------------------------------------------------------


def test_card_lookup(deck: Deck) -> None:
    card = deck.card("4.2")
    assert isinstance(card, Card) and card.id == "4.2" and card.capability == 4
    assert deck.find_card("4.2") is card
    assert deck.find_card("11.9") is None
    with pytest.raises(KeyError):
        deck.card("11.9")
    with pytest.raises(KeyError):
        deck.card_index("0.0")


def test_card_index_and_step_wrap_round(deck: Deck) -> None:
    assert deck.card_index("1.1") == 0
    assert deck.card_index("10.4") == 30
    assert deck.step("1.3", 1).id == "2.1"
    assert deck.step("2.1", -1).id == "1.3"
    assert deck.step("10.4", 1).id == "1.1"
    assert deck.step("1.1", -1).id == "10.4"
    assert deck.step("4.2", 0).id == "4.2"
    assert deck.step("1.1", 31).id == "1.1"


def test_capability_lookup(deck: Deck) -> None:
    capability = deck.capability(10)
    assert isinstance(capability, Capability)
    assert [c.id for c in capability.cards] == ["10.1", "10.2", "10.3", "10.4"]
    with pytest.raises(KeyError):
        deck.capability(11)


def test_dataclasses_are_frozen(deck: Deck) -> None:
    for obj, name in ((deck, "title"), (deck.card("1.1"), "title"),
                      (deck.capability(1), "title"), (deck.credit, "heading")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, "x")
    assert isinstance(deck.credit, Section)
    assert isinstance(deck.card("1.1").paragraphs, tuple)


def test_deck_error_is_a_powerdeck_error() -> None:
    assert issubclass(DeckError, PowerdeckError)


def test_deck_path_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POWERDECK_DECK", raising=False)
    assert deck_path_from(None) is None
    assert deck_path_from(str(tmp_path / "a.yaml")) == tmp_path / "a.yaml"
    monkeypatch.setenv("POWERDECK_DECK", str(tmp_path / "b.yaml"))
    assert deck_path_from(None) == tmp_path / "b.yaml"
    assert deck_path_from(str(tmp_path / "a.yaml")) == tmp_path / "a.yaml"
    monkeypatch.setenv("POWERDECK_DECK", "")
    assert deck_path_from(None) is None


def test_packaged_deck_via_path_is_the_same(deck: Deck) -> None:
    other = load_deck(ROOT / "src" / "powerdeck" / "deck.yaml")
    assert other.capabilities == deck.capabilities and other.credit == deck.credit


def test_docs_example_deck_loads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "deck-format.md").read_text(encoding="utf-8")
    example = doc.split("## A minimal complete deck", 1)[1].split("```yaml\n", 1)[1]
    path = tmp_path / "example.yaml"
    path.write_text(example.split("```", 1)[0], encoding="utf-8")
    deck = load_deck(path)
    assert [c.id for c in deck.cards] == ["1.1", "1.2", "2.1"]
    assert deck.guidance == () and deck.credit == Section("", ())
    assert deck.step("2.1", 1).id == "1.1"


# --- broken decks ---------------------------------------------------------------------------

HEAD = "format: 1\ntitle: T\nauthor: A\n"


def card_yaml(card_id: str = '"1.1"', title: str = "A card", para: str = "Do this") -> str:
    return f"      - id: {card_id}\n        title: {title}\n        paragraphs:\n          - {para}\n"


def cap_yaml(number: str = "1", cards: str | None = None) -> str:
    body = card_yaml() if cards is None else cards
    return f"  - number: {number}\n    title: A capability\n    cards:\n{body}"


GOOD = HEAD + "capabilities:\n" + cap_yaml()

BROKEN = {
    # name: (yaml text, line or None, fragment of the message)
    "syntax": (HEAD + "capabilities:\n  - number: 1\n    title: [unclosed\n", 6, "YAML syntax error"),
    "tab indent": (HEAD + "capabilities:\n\t- number: 1\n", 5, "YAML syntax error"),
    "empty file": ("", None, "empty"),
    "comments only": ("# nothing here\n", None, "empty"),
    "not a mapping": ("- just\n- a list\n", None, "should be a set of fields"),
    "no capabilities": (HEAD, None, 'no capabilities; add at least one under "capabilities:"'),
    "empty capabilities": (HEAD + "capabilities: []\n", 4, "no capabilities"),
    "missing format": ("title: T\nauthor: A\ncapabilities: []\n", None, '"format: 1"'),
    "wrong format": (GOOD.replace("format: 1", "format: 2"), 1, "format 2"),
    "missing title": (GOOD.replace("title: T\n", ""), None, 'has no "title"'),
    "empty author": (GOOD.replace("author: A", 'author: ""'), 3, '"author" is empty'),
    "title a number": (GOOD.replace("title: T", "title: 12"), 2, "should be text, not a number"),
    "float id": (HEAD + "capabilities:\n" + cap_yaml("10", card_yaml("10.1")), 8,
                 'quote card ids, e.g. "10.1"'),
    "missing card title": (HEAD + "capabilities:\n" + cap_yaml(cards='      - id: "1.1"\n'
                           "        paragraphs: [Do this]\n"), 8, 'card "1.1" has no "title"'),
    "empty paragraph": (GOOD.replace("- Do this", '- ""'), 11, 'card "1.1": paragraph 1 is empty'),
    "no paragraphs": (GOOD.replace("        paragraphs:\n          - Do this\n",
                                   "        paragraphs: []\n"), 10, "has no paragraphs"),
    "duplicate card id": (HEAD + "capabilities:\n" + cap_yaml(cards=card_yaml() + card_yaml()), 12,
                          'card id "1.1" is used twice'),
    "duplicate capability": (GOOD + cap_yaml("1", card_yaml('"1.2"')), 12,
                             "capability number 1 is used twice"),
    "id outside its capability": (HEAD + "capabilities:\n" + cap_yaml("2", card_yaml('"1.1"')), 8,
                                  'must start with "2."'),
    "capability without cards": (HEAD + "capabilities:\n" + cap_yaml(cards=""), 7,
                                 "capability 1 has no cards"),
    "capability empty cards": (GOOD + "  - number: 2\n    title: B\n    cards: []\n", 14,
                               "capability 2 has no cards"),
    "capability number text": (GOOD.replace("number: 1", "number: one"), 5,
                               "number should be a whole number"),
    "unknown field": (GOOD.replace("        title: A card", "        titel: A card"), 9,
                      'unknown field "titel"'),
    "credit not a section": (GOOD + "credit: hello\n", 12, "the credit should be a set of fields"),
    "guidance heading missing": (GOOD + "guidance:\n  - paragraphs: [x]\n", 13,
                                 'guidance section 1 has no "heading"'),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_deck_messages(tmp_path: Path, name: str) -> None:
    text, line, fragment = BROKEN[name]
    path = tmp_path / "team-deck.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert fragment in message
    if line is None:
        assert ", line " not in message
    else:
        assert f", line {line}:" in message


def test_good_fixture_loads(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert [c.id for c in load_deck(path).cards] == ["1.1"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match=r"nope\.yaml: no such deck file; .*POWERDECK_DECK"):
        load_deck(tmp_path / "nope.yaml")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="is a folder"):
        load_deck(tmp_path)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(DeckError, match=r"locked\.yaml: cannot read the deck file"):
            load_deck(path)
    finally:
        path.chmod(0o600)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.replace("Do this", "Caf\xe9").encode("latin-1"))
    with pytest.raises(DeckError, match="not UTF-8"):
        load_deck(path)
