"""Hostile deck files end in one DeckError line, fast and without expanding anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from powerdeck.deck.model import DeckError, load_deck
from powerdeck.store.path_checks import read_regular

PACKAGED = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "deck.yaml"

# 307 bytes, a "billion laughs": nine levels of nine aliases each.
BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refused(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "deck.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    return message


def test_an_alias_bomb_is_refused_in_one_line(tmp_path: Path) -> None:
    assert 250 < len(BOMB) < 400
    assert "aliases" in refused(tmp_path, BOMB)


def test_an_alias_inside_a_real_deck_is_refused_with_its_line(tmp_path: Path) -> None:
    text = PACKAGED.read_text(encoding="utf-8").replace("title:", "title: &t", 1)
    text += "\nextra: *t\n"
    message = refused(tmp_path, text)
    assert "aliases" in message and "line" in message


def test_a_5000_digit_number_is_refused_in_one_line(tmp_path: Path) -> None:
    text = PACKAGED.read_text(encoding="utf-8").replace("format: 1", "format: " + "9" * 5000, 1)
    assert "5,000 digits" in refused(tmp_path, text)


def test_a_duplicate_key_is_refused_with_the_line_number(tmp_path: Path) -> None:
    lines = PACKAGED.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
    lines.insert(at + 1, 'title: "A second title"')
    message = refused(tmp_path, "\n".join(lines) + "\n")
    assert f"line {at + 2}" in message and '"title" appears twice' in message


def test_an_oversized_value_is_refused(tmp_path: Path) -> None:
    text = PACKAGED.read_text(encoding="utf-8").replace("format: 1", "format: 1\nx: " + "y" * 60_000, 1)
    assert "longer than" in refused(tmp_path, text)


def test_a_bad_date_value_is_a_line_not_a_traceback(tmp_path: Path) -> None:
    assert "cannot be read" in refused(tmp_path, "format: 1\ntitle: 2001-13-45\n")


def test_a_fifo_or_dev_zero_as_the_deck_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DeckError, match="not a regular file"):
        load_deck(fifo)
    with pytest.raises(DeckError, match="not a regular file"):
        load_deck("/dev/zero")


def test_a_huge_deck_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as file:
        file.truncate(3 * 1024 * 1024)
    with pytest.raises(DeckError, match="too big"):
        load_deck(path)


def test_the_packaged_deck_still_loads_and_anchors_alone_are_fine(tmp_path: Path) -> None:
    assert len(load_deck(PACKAGED).cards) == 31
    assert read_regular(PACKAGED) == PACKAGED.read_bytes()
