"""The quit dialog in a served session: "save elsewhere" writes only inside the person's own
folder, and nothing it says names a server path (issue 20: it used to save anywhere the server's
account could write, another person's folder included, and its errors told which paths exist)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disk_helpers import refuse_writes
from powerdeck.core.errors import PowerdeckError
from powerdeck.deck.model import load_deck
from powerdeck.serve.served_app import OWN_FOLDER_ONLY, ServedApp, inside_home
from powerdeck.store.log import Log
from powerdeck.tui.options import AppOptions
from powerdeck.tui.screens.dialogs.quit_dialog import QuitDialog
from ui_helpers import deck_screen, settle, type_text


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path]:
    people = tmp_path / "state" / "people"
    (people / "alice" / "rescued").mkdir(parents=True)
    (people / "bob").mkdir()
    (people / "alice" / "to-bob").symlink_to(people / "bob")
    return people / "alice", people / "bob"


@pytest.mark.parametrize("typed", ["/tmp", "../bob", "~bob", "~root/x", "/", "rescued/../../bob", "to-bob",
                                   "to-bob/x", "..", "./../alice-not"])
def test_a_folder_outside_ones_own_is_refused_in_the_same_words(homes: tuple[Path, Path], typed: str) -> None:
    home, _bob = homes
    with pytest.raises(PowerdeckError) as refused:
        inside_home(typed, home)
    assert str(refused.value) == OWN_FOLDER_ONLY


@pytest.mark.parametrize(("typed", "where"), [("", ""), ("~", ""), ("~/", ""), ("rescued", "rescued"),
                                              ("~/rescued", "rescued"), ("./rescued/", "rescued")])
def test_ones_own_folder_and_those_in_it_are_allowed(homes: tuple[Path, Path], typed: str, where: str) -> None:
    home, _bob = homes
    assert inside_home(typed, home) == Path(str(home.resolve() / where).rstrip("/"))


@settings(derandomize=True, max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=30), st.lists(st.sampled_from(["..", ".", "~", "/", "bob", "alice", "to-bob",
                                                                   "/tmp", "rescued", " "]), max_size=8).map("".join)))
def test_any_typed_folder_is_inside_ones_own_or_refused(homes: tuple[Path, Path], typed: str) -> None:
    home, _bob = homes
    try:
        found = inside_home(typed, home)
    except PowerdeckError as error:
        assert str(error) == OWN_FOLDER_ONLY
        return
    real_home = str(home.resolve())
    assert str(found) == real_home or str(found).startswith(real_home + "/")


async def test_the_served_dialog_saves_inside_and_names_no_server_path(homes: tuple[Path, Path], tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    home, bob = homes
    monkeypatch.setenv("HOME", str(home))
    log = Log.open(home)
    app = ServedApp(load_deck(None), log, AppOptions(animation="none", over_ssh=True, animation_chosen=True))
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            refuse_writes(monkeypatch)
            await pilot.press("e")
            await type_text(pilot, "mine alone")
            deck_screen(app).queue_draft_write()
            await settle(app, pilot)
            await pilot.press("ctrl+q")
            await settle(app, pilot)
            dialog = app.screen
            assert isinstance(dialog, QuitDialog)
            folder = dialog.query_one("#quit-folder")
            assert folder.value == "~"  # type: ignore[attr-defined]
            shown = " ".join(str(widget.render()) for widget in dialog.query("Static"))
            assert str(tmp_path) not in shown, "the problem line names no server path"
            for typed in ("../bob", str(tmp_path)):
                folder.value = typed  # type: ignore[attr-defined]
                await pilot.click("#quit-save")
                await settle(app, pilot)
                error = str(dialog.query_one("#quit-error").render())
                assert error == OWN_FOLDER_ONLY and str(tmp_path) not in error
            assert list(bob.iterdir()) == []
            folder.value = "rescued"  # type: ignore[attr-defined]
            folder.focus()  # enter in the folder saves there (a click raced the error line's layout)
            await pilot.press("enter")
            await settle(app, pilot)
            # Said as the app exits (a toast would leave with the screen), naming no server path.
            line = dialog.saved_line  # type: ignore[attr-defined]
            assert line is not None and line.startswith("Your text was saved in ~/rescued/powerdeck-unsaved-"), line
            assert str(tmp_path) not in line
    finally:
        log.close()
    saved = list((home / "rescued").iterdir())
    assert [d["action"] for d in json.loads(saved[0].read_text())["drafts"]] == ["mine alone"]
