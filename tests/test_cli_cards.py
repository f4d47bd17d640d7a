"""`powerdeck cards`, `--version`, `--help` and deck errors, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from powerdeck import __version__
from powerdeck.deck.model import Deck, load_deck

ROOT = Path(__file__).resolve().parent.parent
BAD_DECK = 'format: 1\ntitle: T\nauthor: A\ncapabilities:\n  - number: 10\n    title: C\n' \
           '    cards:\n      - id: 10.1\n        title: X\n        paragraphs: [a]\n'


def norm(text: str) -> str:
    return " ".join(text.split())


def run(*args: str, columns: int = 80, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "POWERDECK_DECK"}
    environ.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), environ.get("PYTHONPATH")])),
        PYTHONIOENCODING="utf-8",
        COLUMNS=str(columns),
        LINES="24",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "powerdeck", *args],
        capture_output=True, text=True, encoding="utf-8", env=environ, timeout=60,
    )


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck()


@pytest.fixture
def bad_deck(tmp_path: Path) -> Path:
    path = tmp_path / "our-deck.yaml"
    path.write_text(BAD_DECK, encoding="utf-8")
    return path


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("powerdeck: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def test_outline(deck: Deck) -> None:
    result = run("cards")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    expected = []
    for capability in deck.capabilities:
        expected.append(f"{capability.number}. {capability.title}")
        expected += [f"{card.id} {card.title}" for card in capability.cards]
    shown = [norm(line) for line in lines if norm(line) in expected]
    assert shown == expected  # all of them, in deck order
    for card in deck.cards:
        line = next(line for line in lines if norm(line) == f"{card.id} {card.title}")
        assert line.startswith(" "), "card lines are indented under their capability"
    assert "New NHS Alliance" in [line for line in lines if line.strip()][-1]


def test_one_card(deck: Deck) -> None:
    card = deck.card("4.2")
    result = run("cards", "4.2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    blocks = [norm(block) for block in out.split("\n\n") if block.strip()]
    assert blocks[0] == f"4. {deck.capability(4).title}"
    assert blocks[1] == f"4.2 {card.title}"
    assert "4.2  " + card.title.split()[0] in out
    assert blocks[2:-1] == [norm(p) for p in card.paragraphs]  # each paragraph, own block
    assert "New NHS Alliance" in blocks[-1]
    assert all(len(line) <= 80 for line in out.splitlines())


@pytest.mark.parametrize(("columns", "limit"), [(50, 50), (200, 100)])
def test_card_wraps_to_terminal_width_at_most_100(deck: Deck, columns: int, limit: int) -> None:
    result = run("cards", "8.1", columns=columns)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= limit
    assert norm(result.stdout).count(norm(deck.card("8.1").paragraphs[-1])) == 1
    if columns == 200:
        assert max(len(line) for line in lines) > 80


def test_last_card_of_capability_10(deck: Deck) -> None:
    result = run("cards", "10.4")
    assert result.returncode == 0
    assert norm(deck.card("10.4").paragraphs[0]) in norm(result.stdout)
    assert "…" in result.stdout


def test_unknown_card_id() -> None:
    line = assert_one_line_error(run("cards", "11.9"))
    assert line == (
        'powerdeck: no card "11.9"; card ids look like 1.1 … 10.4 '
        '(run "powerdeck cards" to list them)'
    )


def test_bad_deck_via_option(bad_deck: Path) -> None:
    for args in (("cards", "--deck", str(bad_deck)), ("--deck", str(bad_deck), "cards", "1.1")):
        assert_one_line_error(run(*args), str(bad_deck), "line 8", 'quote card ids, e.g. "10.1"')


def test_bad_deck_via_environment(bad_deck: Path) -> None:
    result = run("cards", POWERDECK_DECK=str(bad_deck))
    assert_one_line_error(result, str(bad_deck), "line 8", "quote card ids")


def test_missing_deck_via_environment(tmp_path: Path) -> None:
    result = run("cards", "1.1", POWERDECK_DECK=str(tmp_path / "gone.yaml"))
    assert_one_line_error(result, "gone.yaml", "no such deck file")


def test_option_wins_over_environment(tmp_path: Path, bad_deck: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BAD_DECK.replace("id: 10.1", 'id: "10.1"'), encoding="utf-8")
    result = run("cards", "--deck", str(good), POWERDECK_DECK=str(bad_deck))
    assert result.returncode == 0, result.stderr
    assert "10.1" in result.stdout and "Changing your perspective" not in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"powerdeck {__version__}"


def test_help() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "usage: powerdeck" in result.stdout
    for word in ("cards", "export", "import", "--deck", "--data"):
        assert word in result.stdout
    cards_help = run("cards", "--help")
    assert cards_help.returncode == 0 and "ID" in cards_help.stdout


def test_in_process_via_cli_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, deck: Deck
) -> None:
    from powerdeck.cli.main import main

    monkeypatch.delenv("POWERDECK_DECK", raising=False)
    assert main(["cards", "1.1"]) == 0
    assert norm(deck.card("1.1").paragraphs[0]) in norm(capsys.readouterr().out)
    assert main(["cards", "99"]) == 2
    err = capsys.readouterr().err
    assert err.startswith('powerdeck: no card "99"') and err.count("\n") == 1
