"""The workbook's model: voices and their weights, the cloud layout, the relationship map."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from powerdeck.workbook import relmap
from powerdeck.workbook.cloud import TIERS, layout, plain, tiers
from powerdeck.workbook.notes import list_items
from powerdeck.workbook.voices import parse_voices, small_voices, weights

VOICES = "\n".join(
    ["safe parks | resident"] * 3 + ["Safe  Parks", "SAFE PARKS | carer"] + ["no GP"] * 3
    + ["buses", "Buses"] + ["music", "somewhere to sit | young person"]
)


def test_a_repeat_adds_weight_and_most_repeated_come_first() -> None:
    phrases = weights(VOICES)
    assert [(p.text, p.count) for p in phrases] == [
        ("safe parks", 5), ("no GP", 3), ("buses", 2), ("music", 1), ("somewhere to sit", 1)]


def test_grouping_ignores_case_and_spacing_but_keeps_the_persons_spelling() -> None:
    phrases = weights("Food Bank\nfood bank\nFood Bank\nFOOD   BANK")
    assert len(phrases) == 1 and phrases[0].text == "Food Bank" and phrases[0].count == 4
    # On a tie, the spelling typed first.
    assert weights("Buses\nbuses")[0].text == "Buses"


def test_roles_are_kept_once_each_and_never_required() -> None:
    phrases = {p.text: p for p in weights(VOICES)}
    assert phrases["safe parks"].roles == ("resident", "carer")
    assert phrases["no GP"].roles == ()
    assert parse_voices("a | b | nurse")[0].text == "a | b" and parse_voices("x |")[0].role == ""


def test_small_voices_are_kept_in_the_cloud_and_can_be_shown_apart() -> None:
    phrases = weights(VOICES)
    assert [p.text for p in small_voices(phrases)] == ["music", "somewhere to sit"]
    for width in (30, 80, 120):
        shown = " ".join(plain(layout(phrases, width)))
        assert "music" in shown and "somewhere to sit" in shown
    apart = layout(phrases, 80, small_apart=True)
    assert [p.text for p in apart.apart] == ["music", "somewhere to sit"]
    assert "music" not in " ".join(plain(apart))


def test_all_said_equally_has_no_small_voices() -> None:
    assert small_voices(weights("a\nb\nc")) == []


def test_tiers_shape_the_words() -> None:
    phrases = weights(VOICES)
    tier = tiers(phrases)
    assert tier["safe parks"] == TIERS and tier["music"] == 1
    assert "SAFE PARKS" in " ".join(plain(layout(phrases, 80)))


@settings(derandomize=True, max_examples=200)
@given(st.text(), st.integers(min_value=1, max_value=200))
def test_any_text_lays_out_within_the_width_and_drops_nothing(text: str, width: int) -> None:
    phrases = weights(text)
    cloud = layout(phrases, width)
    words = [word for line in cloud.lines for word in line]
    assert len(words) == len(phrases)
    assert all(word.column + len(word.text) <= max(width, 8) for word in words)


def test_500_phrases_lay_out() -> None:
    text = "\n".join(f"phrase {n % 170} word{n % 7}" for n in range(500))
    cloud = layout(weights(text), 80)
    assert sum(len(line) for line in cloud.lines) == len(weights(text))


def test_list_items() -> None:
    assert list_items("- one\n\n* two\n  three  ") == ["one", "two", "three"]


# -- the map ------------------------------------------------------------------------------

def test_map_add_edit_move_delete() -> None:
    js = relmap.new_person("JS", "close", "strong", "statutory")
    lead = relmap.new_person("housing lead", "far", "distant", "housing")
    people = relmap.add(relmap.add((), js), lead)
    people = relmap.edit(people, js.id, name="J.S.")
    assert people[0].name == "J.S."
    people = relmap.move(people, lead.id, -1)
    assert people[1].ring == "around"
    assert relmap.move(relmap.move(people, lead.id, -1), lead.id, -1)[1].ring == "close"
    assert relmap.move(people, js.id, -1)[0].ring == "close"  # already innermost
    before = people
    people = relmap.delete(people, js.id)
    assert [p.name for p in people] == ["housing lead"] and len(before) == 2
    assert relmap.cycle(people, lead.id, "quality")[0].quality == "strong"


def test_breadth_names_the_sectors_of_card_7_1_and_what_is_missing() -> None:
    people = (relmap.new_person("JS", sector="statutory"), relmap.new_person("St M", sector="faith"),
              relmap.new_person("food bank", sector="voluntary"))
    breadth = relmap.breadth(people)
    assert breadth.reached["faith"] == ["St M"]
    assert breadth.missing_sectors == ["community", "social enterprise", "housing"]
    assert breadth.summary() == "reaches 2 of 5 sectors; missing: community, social enterprise, housing"
    assert relmap.breadth(()).summary().startswith("reaches none")


def test_full_names_are_nudged_but_roles_and_initials_are_not() -> None:
    assert relmap.looks_like_full_name("Jane Smith")
    assert not relmap.looks_like_full_name("JS")
    assert not relmap.looks_like_full_name("housing lead")
    assert not relmap.looks_like_full_name("Youth Club")


def test_the_drawing_puts_everyone_or_counts_who_has_no_room() -> None:
    people = tuple(relmap.new_person(f"P{n}", ring=("close", "around", "far")[n % 3]) for n in range(12))
    drawing = relmap.draw(people, 50, 15)
    names = {label.text[1:] for label in drawing.labels}
    assert len(names & {p.name for p in people}) + drawing.hidden == 12
    assert any(label.text == "me" for label in drawing.labels)
    for row in relmap.drawing_rows(drawing):
        assert sum(len(text) for text, _ in row) == 50
