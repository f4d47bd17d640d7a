"""The workbook's screens driven with Pilot: voices, the map, notes, and cards that look back."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from powerdeck.tui.screens.workbook.map_screen import MapScreen
from powerdeck.tui.screens.workbook.notes_screen import NotesScreen
from powerdeck.tui.screens.workbook.voices_screen import VoicesScreen
from powerdeck.workbook.model import Person, Worksheet
from ui_helpers import deck_screen, field, make_app, on_disk, settle, type_text


def sheets_on_disk(data: Path) -> dict[str, dict]:
    return {doc["card"]: doc for doc in on_disk(data).get("worksheets", {}).values()}


async def test_voices_typed_make_the_cloud_and_are_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.3")
        await pilot.press("w")
        assert isinstance(app.screen, VoicesScreen)
        await pilot.press(*"Safe parks", "enter", *"safe parks | resident", "enter", *"[b]music", "enter")
        await settle(app, pilot)
        cloud = str(app.screen.query_one("#voices-cloud", Static).render())
        assert "SAFE PARKS" in cloud and "[b]music" in cloud
        await pilot.press("escape")
        await settle(app, pilot)
        assert sheets_on_disk(data)["1.3"]["text"] == "Safe parks\nsafe parks | resident\n[b]music\n"


async def test_picking_a_large_and_a_small_word_into_the_action_and_writing_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    voices = Worksheet("1.3", "voices", text="parks\nparks\nbuses\nbenches")
    app.store.write_and_wait(lambda log: log.save_worksheet(voices))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.3")
        await pilot.press("w", "tab", "b", "down", "down", "s", "a")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        action = deck_screen(app).editor.values()["action"]
        assert action == "A large word: parks. A small voice: benches. My action: "
        await pilot.press("enter")
        await type_text(pilot, "walk")  # the cursor waits at the end of the words (issue 24, 1)
        assert field(app, "action").text == "A large word: parks. A small voice: benches. My action: walk"


async def test_the_map_add_edit_move_delete_undo(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.2")
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, MapScreen)
        await pilot.press("a", *"JS", "enter", "a", *"housing lead", "enter")
        assert [p.name for p in screen.people] == ["JS", "housing lead"]
        await pilot.press("e", "backspace", "backspace", "backspace", "backspace", *"team", "enter")
        assert screen.people[1].name == "housing team"
        await pilot.press("right_square_bracket", "q", "s")
        person = screen.people[1]
        assert (person.ring, person.quality, person.sector) == ("far", "stressed", "statutory")
        await pilot.press("up", "left_square_bracket")
        assert screen.people[0].ring == "close"
        await pilot.press("d")
        assert [p.name for p in screen.people] == ["housing team"]
        await pilot.press("u")
        assert [p.name for p in screen.people] == ["JS", "housing team"]
        table = screen.query_one("#map-list", DataTable)
        assert table.row_count == 2
        await settle(app, pilot)
        stored = sheets_on_disk(data)["1.2"]["people"]
        assert [(p["name"], p["ring"]) for p in stored] == [("JS", "close"), ("housing team", "far")]


async def test_a_full_name_gets_a_nudge(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.2")
        await pilot.press("w", "a", *"Jane Smith")
        assert "initials or a role" in str(app.screen.query_one("#map-nudge", Static).render())


async def test_looking_back_from_2_3_and_7_1_shows_what_is_there_now(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    people = (Person("p1", "St M", "close", "stressed", "faith"),
              Person("p2", "food bank", "far", "strong", "voluntary", True))
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.2", "map", people=people)))
    app.store.write_and_wait(lambda log: log.save_worksheet(Worksheet("1.3", "voices", text="parks\nparks\nbenches")))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("2.3")
        await pilot.pause()
        peek = str(deck_screen(app).query_one("#card-notes", Static).content)
        assert "1.2 map: 2 on the map, 1 stressed, 1 seen too little" in peek
        assert "1.3 voices: 3 said; large: parks; small: benches" in peek
        # Change 1.3 and come back: the card shows the current content.
        await pilot.press("w", "down", "enter")
        assert isinstance(app.screen, VoicesScreen) and app.screen.card.id == "1.3"
        await pilot.press("enter", *"buses")  # the cursor starts at the end: more voices follow
        await pilot.press("escape")
        await settle(app, pilot)
        peek = str(deck_screen(app).query_one("#card-notes", Static).content)
        assert "4 said" in peek and "small: benches, buses" in peek

        deck_screen(app).go_to_card("7.1")
        await pilot.pause()
        peek = str(deck_screen(app).query_one("#card-notes", Static).content)
        assert "reaches 2 of 5 sectors; missing: community, social enterprise, housing" in peek
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, MapScreen) and screen.show_breadth
        breadth = str(screen.query_one("#map-breadth", Static).render())
        assert "faith: St M" in breadth and "housing: -" in breadth


async def test_the_writing_view_keeps_a_long_memo(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("10.3")
        await pilot.press("w")
        assert isinstance(app.screen, NotesScreen)
        text = "I will share power. " * 30
        app.screen.query_one("#notes-text").insert(text)
        await pilot.press("escape")
        await settle(app, pilot)
        assert sheets_on_disk(data)["10.3"]["text"] == text


async def test_w_types_in_the_editor(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.3")
        await pilot.press("e", *"wow")
        assert deck_screen(app).editor.values()["action"] == "wow"
        assert app.screen is deck_screen(app)


async def test_in_a_browser_tab_the_cloud_goes_to_the_browser_not_the_server(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    sent: list[tuple[str, bytes]] = []

    def deliver(name: str, payload: bytes) -> str:
        sent.append((name, payload))
        return name

    monkeypatch.setattr(app, "export_delivery", lambda: deliver)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    voices = Worksheet("1.3", "voices", text="parks\nparks\nbuses")
    app.store.write_and_wait(lambda log: log.save_worksheet(voices))
    async with app.run_test(size=(80, 24)) as pilot:
        deck_screen(app).go_to_card("1.3")
        await pilot.press("w", "f3")
        await settle(app, pilot)
        await app.workers.wait_for_complete()
    assert len(sent) == 1
    name, payload = sent[0]
    assert name.startswith("powerdeck-cloud-1.3-") and name.endswith(".svg") and payload.startswith(b"<svg")
    assert list(home.iterdir()) == [], "nothing written on the server"
