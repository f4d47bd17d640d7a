"""The deck cache (deck_cache.py): used while the deck file is unchanged, and never trusted
otherwise: a stale, damaged, forged, symlinked or public cache file is ignored and the deck
parsed from its YAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powerdeck.deck import cache as deck_cache
from powerdeck.deck.model import DeckError, load_deck


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    """A copy of the packaged deck that a test may edit."""
    from importlib import resources

    path = tmp_path / "deck.yaml"
    path.write_bytes(resources.files("powerdeck").joinpath("deck.yaml").read_bytes())
    return path


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def the_cache_file(cache: Path, deck_file: Path) -> Path:
    return deck_cache.cache_file(cache, str(deck_file))


def retitle(deck_file: Path, title: str) -> None:
    """Change the deck's first card title in the YAML (what a team editing its deck does)."""
    text = deck_file.read_text()
    old = "Changing your perspective"
    assert old in text
    deck_file.write_text(text.replace(old, title, 1))


def first_title(deck_file: Path, cache: Path) -> str:
    return load_deck(deck_file, cache=cache).cards[0].title


def test_the_first_load_writes_a_private_cache_the_next_reads(deck_file: Path, cache: Path) -> None:
    parsed = load_deck(deck_file)
    assert load_deck(deck_file, cache=cache) == parsed
    written = the_cache_file(cache, deck_file)
    assert written.is_file()
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert load_deck(deck_file, cache=cache) == parsed  # from the cache: the same deck


def test_a_hit_does_not_import_yaml(deck_file: Path, cache: Path) -> None:
    load_deck(deck_file, cache=cache)
    code = ("import sys; from pathlib import Path; from powerdeck.deck.model import load_deck; "
            f"d = load_deck(Path({str(deck_file)!r}), cache=Path({str(cache)!r})); "
            "print(len(d.cards), 'yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == [str(len(load_deck(deck_file).cards)), "False"]


def test_an_edited_deck_is_parsed_again(deck_file: Path, cache: Path) -> None:
    assert first_title(deck_file, cache) == "Changing your perspective"
    retitle(deck_file, "Walking the patch together")
    assert first_title(deck_file, cache) == "Walking the patch together"  # stale cache ignored
    assert first_title(deck_file, cache) == "Walking the patch together"  # and rewritten


def test_an_edited_deck_that_is_broken_is_refused_whatever_the_cache_holds(deck_file: Path,
                                                                          cache: Path) -> None:
    load_deck(deck_file, cache=cache)
    deck_file.write_text(deck_file.read_text().replace("title:", "title", 1))
    with pytest.raises(DeckError):
        load_deck(deck_file, cache=cache)


@pytest.mark.parametrize("damage", [b"", b"{", b"\xff\xfe garbage", b"[1, 2]", b'{"format": 1}',
                                    b"9" * 5000, b"[" * 100_000])
def test_a_damaged_cache_is_ignored(deck_file: Path, cache: Path, damage: bytes) -> None:
    load_deck(deck_file, cache=cache)
    the_cache_file(cache, deck_file).write_bytes(damage)
    assert first_title(deck_file, cache) == "Changing your perspective"
    # ... and replaced by a good one
    assert deck_cache.read_cached(cache, str(deck_file), deck_cache.deck_key(deck_file.read_bytes())) is not None


def test_a_forged_cache_that_fails_the_deck_checks_is_not_trusted(deck_file: Path, cache: Path) -> None:
    load_deck(deck_file, cache=cache)
    path = the_cache_file(cache, deck_file)
    document = json.loads(path.read_bytes())
    document["data"]["capabilities"] = "none at all"  # carries the right key, fails the checks
    path.write_text(json.dumps(document))
    assert first_title(deck_file, cache) == "Changing your perspective"


def test_a_forged_cache_with_other_cards_but_the_wrong_key_is_ignored(deck_file: Path, cache: Path) -> None:
    load_deck(deck_file, cache=cache)
    path = the_cache_file(cache, deck_file)
    document = json.loads(path.read_bytes())
    document["data"]["capabilities"][0]["cards"][0]["title"] = "Planted"
    document["key"] = deck_cache.deck_key(b"another deck")
    path.write_text(json.dumps(document))
    assert first_title(deck_file, cache) == "Changing your perspective"


def test_a_symlinked_cache_file_is_neither_read_nor_written_through(deck_file: Path, cache: Path,
                                                                     tmp_path: Path) -> None:
    load_deck(deck_file, cache=cache)
    path = the_cache_file(cache, deck_file)
    elsewhere = tmp_path / "someone-elses.json"
    planted = json.loads(path.read_bytes())
    planted["data"]["capabilities"][0]["cards"][0]["title"] = "Planted"
    elsewhere.write_text(json.dumps(planted))
    before = elsewhere.read_bytes()
    path.unlink()
    path.symlink_to(elsewhere)
    assert first_title(deck_file, cache) == "Changing your perspective"
    assert elsewhere.read_bytes() == before  # the rewrite replaced the link, not its target
    assert not path.is_symlink()


def test_a_cache_others_can_read_or_in_a_public_folder_is_ignored(deck_file: Path, cache: Path) -> None:
    load_deck(deck_file, cache=cache)
    path = the_cache_file(cache, deck_file)
    key = deck_cache.deck_key(deck_file.read_bytes())
    path.chmod(0o644)
    assert deck_cache.read_cached(cache, str(deck_file), key) is None
    path.chmod(0o600)
    assert deck_cache.read_cached(cache, str(deck_file), key) is not None
    cache.chmod(0o777)
    try:
        assert deck_cache.read_cached(cache, str(deck_file), key) is None
        assert first_title(deck_file, cache) == "Changing your perspective"  # parsed, not cached
    finally:
        cache.chmod(0o700)


def test_a_cache_folder_that_cannot_be_made_costs_only_the_shortcut(deck_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert first_title(deck_file, blocker / "cache") == "Changing your perspective"


def test_yaml_that_json_would_change_is_not_cached(tmp_path: Path, cache: Path) -> None:
    key = deck_cache.deck_key(b"x")
    deck_cache.write_cached(cache, "x", key, {1: "a number as a key"})
    assert not deck_cache.cache_file(cache, "x").exists()
    deck_cache.write_cached(cache, "x", key, {"when": __import__("datetime").date(2026, 1, 1)})
    assert not deck_cache.cache_file(cache, "x").exists()


def test_two_decks_keep_a_cache_each(deck_file: Path, cache: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_bytes(deck_file.read_bytes())
    retitle(other, "The other deck's first card")
    assert first_title(deck_file, cache) == "Changing your perspective"
    assert first_title(other, cache) == "The other deck's first card"
    assert len(list(cache.glob("deck-*.json"))) == 2
    assert first_title(deck_file, cache) == "Changing your perspective"


KEY = deck_cache.deck_key(b"the deck")
GOOD = deck_cache.encode({"format": 1, "title": "A deck"}, KEY)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.one_of(
    st.binary(max_size=200),
    st.builds(lambda cut, junk: GOOD[:cut] + junk, st.integers(0, len(GOOD)), st.binary(max_size=20)),
    st.builds(lambda at, byte: GOOD[:at] + bytes([byte]) + GOOD[at + 1:],
              st.integers(0, len(GOOD) - 1), st.integers(0, 255)),
))
def test_decoding_any_bytes_gives_the_data_only_for_its_key(raw: bytes) -> None:
    data = deck_cache.decode(raw, KEY)  # never raises
    if data is not None:
        document = json.loads(raw)
        assert document["key"] == KEY and document["format"] == deck_cache.FORMAT
        assert data == document["data"]


def test_decoding_a_good_file_for_another_key_gives_nothing() -> None:
    assert deck_cache.decode(GOOD, KEY) == {"format": 1, "title": "A deck"}
    assert deck_cache.decode(GOOD, deck_cache.deck_key(b"another deck")) is None


def test_the_app_start_uses_the_user_cache_folder(private_cache_home: Path, tmp_path: Path) -> None:
    from powerdeck.store import locations

    assert locations.cache_dir() == private_cache_home / "powerdeck"
    assert os.environ["XDG_CACHE_HOME"] == str(private_cache_home)
