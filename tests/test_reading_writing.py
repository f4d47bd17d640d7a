"""Reading and writing are two states (issue 11): a sentence typed while reading does nothing but
say how to write; the card has the room while reading and keeps its first lines while writing;
the field taking the typing is named; the sidebar is readable and clickable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powerdeck.store.log import Log
from powerdeck.tui.screens.deck import deck_keys
from powerdeck.tui.screens.deck import deck_screen as deck_screen_module
from powerdeck.tui.widgets.card_notes import CardNotes
from ui_helpers import (
    DECK,
    burst,
    card_on_screen,
    card_view,
    deck_screen,
    drafts_on_disk,
    field,
    make_app,
    notes_text,
    settle,
    sidebar,
    status,
    type_text,
    until,
)

SENTENCES = [
    "Talk to the practice manager",
    "review the rota with Sam, then email 3 people?",
    "e r L 4 ? enter the details later",
]


def no_drafts_anywhere(data_dir: Path) -> None:
    log = json.loads((data_dir / "log.json").read_text(encoding="utf-8"))
    assert not log.get("drafts"), log.get("drafts")
    assert not log.get("entries")
    state = data_dir / "state.json"  # where drafts are kept
    if state.exists():
        assert not json.loads(state.read_text(encoding="utf-8")).get("drafts")


def keys_of(text: str) -> list[str]:
    return ["space" if char == " " else "question_mark" if char == "?" else char for char in text]


def mode(app) -> str:
    return str(deck_screen(app).query_one("#mode").content)


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("how", ["burst", "one by one"])
async def test_a_sentence_typed_while_reading_changes_nothing_and_says_how_to_write(
    data_dir: Path, real_letter_settle: float, sentence: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "one by one":
        # Each press waits for the app to go idle; on a loaded CI machine that has taken longer than
        # the real 0.4 s between two letters, which is a pause, not typing. A longer wait keeps the
        # case about keys that come one at a time, not about the machine's speed.
        real_letter_settle = 2.0
        monkeypatch.setattr(deck_keys, "LETTER_SETTLE", real_letter_settle)
    with Log.open(data_dir) as log:
        log.set_state("last_card", "9.2")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        before = card_on_screen(app)
        if how == "burst":
            burst(app, *keys_of(sentence))
        else:
            for key in keys_of(sentence):
                await pilot.press(key)
        await pilot.pause(real_letter_settle + 0.3)  # a command letter would have acted by now
        await settle(app, pilot)
        assert screen.card_id == "9.2"
        assert card_on_screen(app) == before
        assert app.focused is None and not screen.writing and not screen.editor.display
        assert all(text == "" for text in screen.editor.values().values())
        assert "press enter or e to write" in status(app)
        assert "READING" in mode(app)
        await pilot.press("enter")  # the way in the hint names: it works at once, and the hint goes
        assert app.focused is field(app, "action") and status(app) == ""
        await pilot.press("ctrl+q")
    no_drafts_anywhere(data_dir)


async def test_a_command_letter_alone_still_acts_after_a_moment(data_dir: Path, real_letter_settle: float) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause(real_letter_settle + 0.3)
        assert deck_screen(app).card_id == "4.1"
        await pilot.press("4", "right")  # an arrow runs a waiting digit first, in order
        assert deck_screen(app).card_id == "4.2"
        screen = deck_screen(app)
        draws = []
        draw = screen.action_random_card
        screen.action_random_card = lambda: (draws.append(1), draw())  # type: ignore[method-assign]
        await pilot.press("r", "r")  # the same letter twice is two draws, not typing
        await pilot.pause(real_letter_settle + 0.3)
        assert len(draws) == 2 and screen.card_id != ""
        await pilot.press("e")
        await pilot.pause(real_letter_settle + 0.3)
        # The first time, the form is built first (screen.start_writing): a moment more.
        await until(pilot, lambda: screen.editor.built and app.focused is field(app, "action"), "the cursor")


async def test_enter_then_text_in_a_burst_writes_on_the_card_showing(data_dir: Path, real_letter_settle: float) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "right", "enter", *"walk", "tab", *"met")
        await settle(app, pilot)
        assert deck_screen(app).card_id == "1.2"
        assert field(app, "action").text == "walk" and field(app, "outcome").text == "met"


def whole_card_on_screen(app) -> bool:
    view = card_view(app)
    return view.max_scroll_y == 0 and view.virtual_size.height <= view.scrollable_content_region.height


async def test_at_80x24_reading_shows_at_least_28_of_31_cards_whole(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        whole, cut = [], []
        for card in DECK.cards:
            screen.go_to_card(card.id)
            await pilot.pause()
            shown = card_on_screen(app)
            (whole if whole_card_on_screen(app) else cut).append(card.id)
            if whole_card_on_screen(app):
                # every word of the card is drawn (the capability's name may be cut: the sidebar has it)
                for paragraph in card.paragraphs:
                    assert " ".join(paragraph.split()) in " ".join(shown.split()), (card.id, paragraph)
            else:
                assert "↓ more" in shown.splitlines()[-1], card.id  # a longer card says it goes on
        assert len(whole) >= 28, (len(whole), cut)


async def test_writing_at_80x24_keeps_the_cards_first_lines_and_scrolls_it_from_the_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = deck_screen(app)
        screen.go_to_card("8.1")  # the card with the longest title
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "Ask the GP")
        shown = card_on_screen(app).splitlines()
        assert len([line for line in shown if line.strip()]) >= 5
        assert shown[1].strip().startswith("8.1  Thinking about what we are")
        view = card_view(app)
        assert screen.region.contains_region(view.region) and view.region.height >= 6
        assert "card 8.1" in mode(app) and "WRITING: Action" in mode(app)
        await pilot.press("ctrl+down")
        assert view.scroll_y > 0 and app.focused is field(app, "action")
        after = card_on_screen(app)
        assert "held to account" in after  # the card's later words are now in view
        await pilot.press("f2")
        assert view.scroll_y == 0
        await pilot.press("tab")
        await type_text(pilot, "Not yet")
        assert "WRITING: Outcome" in mode(app)
        assert field(app, "action").text == "Ask the GP"
        assert field(app, "outcome").text == "Not yet"
        assert screen.card_id == "8.1"
        # the footer says how to scroll the card
        assert any(binding.action.startswith("scroll_card_lines") and enabled and binding.show
                   for _, binding, enabled, _ in app.active_bindings.values())


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 18)])
async def test_the_field_taking_the_typing_is_named_in_words(data_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        editor = deck_screen(app).editor
        await pilot.press("enter")
        for name, label in (("action", "Action"), ("outcome", "Outcome"), ("learning", "Learning")):
            assert editor.active_field == name
            assert f"WRITING: {label}" in mode(app)
            label_widget = editor.query_one(f"#label-{name}")
            text = str(label_widget.content)
            width = min(label_widget.content_region.width, editor.scrollable_content_region.width)
            shown = text[:width]  # a line too long for the column is cut
            assert "typing here" in shown and label in shown, (shown, size)
            others = [str(editor.query_one(f"#label-{other}").content)
                      for other in ("action", "outcome", "learning") if other != name]
            assert not any("typing here" in other for other in others)
            assert app.focused is field(app, name)
            await type_text(pilot, f"{label} words")
            await pilot.press("tab")
        await settle(app, pilot)
        assert ([field(app, n).text for n in ("action", "outcome", "learning")]
                == ["Action words", "Outcome words", "Learning words"])
        await pilot.press("escape")
        assert "READING" in mode(app)


async def test_reading_notes_show_the_draft_and_entries_and_a_click_starts_writing(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.add("1.1", "Walk the estate [b]with[/b] a connector")
        log.save_draft("1.1", "Half a thought", "", "")
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        text = notes_text(app)
        assert "enter or e: write about this card" in text
        assert "draft kept" in text and "half a thought" in text
        assert "walk the estate [b]with[/b] a connector" in text  # literal, never markup
        await pilot.click(CardNotes)
        assert app.focused is field(app, "action")
        assert field(app, "action").text == "Half a thought"


def distinct(labels: list[str]) -> bool:
    shown = [" ".join(label.split()[1:]).rstrip("✎ 0123456789") for label in labels]
    return len(set(shown)) == len(shown)


async def test_sidebar_labels_are_distinct_at_80x24_and_whole_at_120x40(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        labels = sidebar(app).labels
        assert len(labels) == 10 and distinct(labels), labels
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        labels = sidebar(app).labels
        for capability, label in zip(DECK.capabilities, labels, strict=True):
            assert "…" not in label
            assert " ".join(label.split()[1:]).startswith(capability.title), label
        # and the sidebar fits: every row on screen
        bar = sidebar(app)
        assert bar.virtual_size.height <= bar.scrollable_content_region.height


async def test_sidebar_shows_the_cards_of_the_capability_and_a_click_goes_there(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = sidebar(app)
        rows = [str(bar.get_option_at_index(n).prompt) for n in range(bar.option_count)]
        assert [row.split()[0] for row in rows[1:4]] == ["▶1.1", "1.2", "1.3"]
        assert "Changing your" in rows[1]
        # click the row of card 1.3
        await pilot.click(bar, offset=(5, 3))
        assert deck_screen(app).card_id == "1.3"
        # click capability 6's row (after 1's three cards and 2 to 5)
        await pilot.click(bar, offset=(5, 3 + 5))
        assert deck_screen(app).card_id == "6.1"
        rows = [str(bar.get_option_at_index(n).prompt) for n in range(bar.option_count)]
        assert any(row.strip().startswith("▶6.1") for row in rows)


async def test_a_status_clears_at_the_next_move_and_after_a_few_seconds(data_dir: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: "Drew card 6.3 at random" and "Draft kept for 9.2" stayed until another message.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert "at random" in status(app)
        await pilot.press("right")
        assert status(app) == ""
        monkeypatch.setattr(deck_screen_module, "STATUS_SECONDS", 0.5)
        await pilot.press("r")
        assert "at random" in status(app)
        await pilot.pause(1.0)
        assert status(app) == ""


async def test_the_palette_offers_only_powerdecks_commands_and_the_theme(data_dir: Path) -> None:
    # Regression: Textual's "Keys" and "Screenshot" were offered, and "Review log" twice.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Keys" not in titles and "Screenshot" not in titles and "Maximize" not in titles
        assert "Theme" in titles
        from powerdeck.tui.commands import DeckCommands

        provider = DeckCommands(app.screen)
        names = [hit.text async for hit in provider.discover()]
        everything = titles + [str(name) for name in names]
        assert everything.count("Review log") == 1
        await pilot.press("ctrl+q")


async def test_help_lists_the_editing_keys(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        rows = dict(app.screen.sections["Editing text in a field"])
        text = " ".join(f"{keys} {what}" for keys, what in rows.items()).lower()
        for needle in ("ctrl+z undo", "ctrl+y redo", "f7 select all", "ctrl+a / home start of the line",
                       "ctrl+e / end end of the line"):
            assert needle in text, needle
        assert "sentence typed while reading does nothing" in app.screen.text


async def test_ctrl_s_while_reading_does_not_save_a_draft_as_an_entry(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.save_draft("1.1", "kept, not finished", "", "")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert json.loads((data_dir / "log.json").read_text()).get("entries") in (None, {})
        assert drafts_on_disk(data_dir)["1.1"]["action"] == "kept, not finished"


async def test_moving_past_a_card_with_a_draft_does_not_rewrite_it(data_dir: Path) -> None:
    # Regression: every move away from a card with a draft wrote the same draft again (new time).
    with Log.open(data_dir) as log:
        log.save_draft("1.1", "as it was", "", "")
    before = drafts_on_disk(data_dir)["1.1"]
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "left", "right")
        await settle(app, pilot)
        assert drafts_on_disk(data_dir)["1.1"] == before
        assert "Draft kept" not in status(app)


async def test_a_command_letter_right_after_escape_acts(data_dir: Path, real_letter_settle: float) -> None:
    # Regression: a letter pressed right after escape, before the screen had switched back to
    # reading (a refresh later), was forgotten by that switch: "escape L" quickly did nothing.
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        screen = deck_screen(app)
        await until(pilot, lambda: screen.editor.built and app.focused is field(app, "action"), "the cursor")
        await pilot.press(*"Asked first")
        # As they come over a link: both keys queued at once, no pause between them for the
        # screen to settle (Pilot's press waits for that after each key).
        from textual import events

        app.post_message(events.Key("escape", None))
        app.post_message(events.Key("4", "4"))
        await pilot.pause(real_letter_settle + 0.3)
        assert screen.card_id == "4.1"
        assert not screen.writing
