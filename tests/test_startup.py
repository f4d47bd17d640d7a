"""What the first screen shows: the card from last time, its capability highlighted."""

from __future__ import annotations

from pathlib import Path

from powerdeck.store.log import Log
from ui_helpers import deck_screen, make_app, sidebar


async def test_the_reopened_cards_capability_is_highlighted_from_the_start(data_dir: Path) -> None:
    # Regression: the highlight was set before the sidebar had its options (they are built on
    # the first resize), so nothing was highlighted until the user moved.
    with Log.open(data_dir) as log:
        log.set_state("last_card", "4.2")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert deck_screen(app).card_id == "4.2"
        assert sidebar(app).current_capability == 4
        highlighted = sidebar(app).highlighted
        assert highlighted is not None and sidebar(app).get_option_at_index(highlighted).id == "card-4.2"


async def test_layout_class_is_right_in_the_first_frame(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)):
        screen = deck_screen(app)
        assert screen.has_class("-stacked") and not screen.has_class("-wide")


def test_help_says_what_the_animation_default_over_ssh_is() -> None:
    # Regression: --help said "basic over SSH" where AppOptions chooses none (issue 9), and the
    # levels were defined twice (cli.py and options.py).
    from powerdeck.cli.main import build_parser
    from powerdeck.tui.options import ANIMATION_LEVELS, AppOptions

    text = " ".join(build_parser().format_help().split())
    assert "none over SSH" in text and "basic over SSH" not in text
    over_ssh = AppOptions.from_args(animation=None, theme=None, no_mouse=False, environ={"SSH_CONNECTION": "1 2 3 4"})
    assert over_ssh.animation == "none" and over_ssh.animation in ANIMATION_LEVELS


def test_a_start_caches_the_apps_bytecode_even_when_the_environment_says_not_to(tmp_path: Path) -> None:
    # Regression: with PYTHONDONTWRITEBYTECODE=1 (set on many images and CI machines) and the
    # README's editable install, every start compiled every powerdeck module from source again:
    # 115 ms of a 790 ms first paint (docs/benchmarks.md).
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(tmp_path))
    code = "import powerdeck.cli.main, powerdeck.tui.launch, powerdeck.tui.app"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    cached = {path.name.split(".")[0] for path in tmp_path.rglob("*.pyc") if "powerdeck" in path.parts}
    assert {"launch", "app", "deck_screen"} <= cached
