"""The deck: `deck.yaml` loaded and checked (deck_check.py) into frozen dataclasses. No UI here.

The cards' words live only in the YAML file (the packaged one, or a team's own via `--deck` or
POWERDECK_DECK); the format is described in docs/deck-format.md. Every problem with a deck file
is a `DeckError` with a one-line message: the file, the line where YAML knows it, what is wrong
and what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.store import SpecialFile, read_bounded

FORMAT = 1
ENV_VAR = "POWERDECK_DECK"
MAX_DECK_BYTES = 2 * 1024 * 1024
"""The packaged deck is about 40 KB; a file fifty times that is not a deck."""


class DeckError(PowerdeckError):
    """A deck file that cannot be read or is not a valid deck (one-line message)."""


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    paragraphs: tuple[str, ...]
    capability: int
    worksheet: str | None = None
    """What the card asks the person to make in the app (voices, map, notes, list, memo)."""
    looks_back: tuple[str, ...] = ()
    """Cards whose worksheets this card goes back to (2.3 looks back to 1.2 and 1.3)."""


@dataclass(frozen=True)
class Capability:
    number: int
    title: str
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Deck:
    title: str
    author: str
    guidance: tuple[Section, ...]
    credit: Section
    capabilities: tuple[Capability, ...]
    source: str
    tags: tuple[str, ...] = ()
    """The organisation's own tags (a `tags:` list in the deck file), offered first."""

    @cached_property
    def cards(self) -> tuple[Card, ...]:
        """Every card, in deck order."""
        return tuple(card for capability in self.capabilities for card in capability.cards)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {card.id: i for i, card in enumerate(self.cards)}

    def card(self, card_id: str) -> Card:
        """The card with this id; KeyError if there is none."""
        return self.cards[self._index[card_id]]

    def find_card(self, card_id: str) -> Card | None:
        index = self._index.get(card_id)
        return None if index is None else self.cards[index]

    def card_index(self, card_id: str) -> int:
        """Position of the card in deck order; KeyError if unknown."""
        return self._index[card_id]

    def capability(self, number: int) -> Capability:
        """The capability with this number; KeyError if there is none."""
        for capability in self.capabilities:
            if capability.number == number:
                return capability
        raise KeyError(number)

    def step(self, card_id: str, delta: int) -> Card:
        """The card `delta` places after (or before, if negative) this one, wrapping round."""
        return self.cards[(self.card_index(card_id) + delta) % len(self.cards)]


def deck_path_from(arg: str | os.PathLike[str] | None) -> Path | None:
    """The deck file to use: the `--deck` argument, else POWERDECK_DECK, else None (packaged)."""
    if arg:
        return Path(arg).expanduser()
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else None


def load_deck(path: str | os.PathLike[str] | None = None, *, cache: Path | None = None) -> Deck:
    """Read and check a deck file; `None` means the packaged deck.yaml. With `cache` (a private
    folder), the checked data is kept there as JSON and read back at the next start while the
    deck file is unchanged (deck_cache.py)."""
    if path is None:
        # At the package's top (src/powerdeck/deck.yaml), found from this file as Textual finds
        # app.tcss (CSS_PATH): powerdeck is installed as files. importlib.resources, which would
        # also find it in a zip, costs ~2 ms of a start.
        resource = Path(__file__).parent.parent / "deck.yaml"
        name, source = "packaged deck.yaml", str(resource)
        reader = resource.read_bytes
    else:
        name = source = str(path)
        reader = _reader(Path(path))
    problem = None
    try:
        raw = reader()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        problem = f"no such deck file; check the path given to --deck or {ENV_VAR}"
    except IsADirectoryError:
        problem = "is a folder, not a deck file; give a .yaml file"
    except OSError as error:
        problem = f"cannot read the deck file ({error.strerror}); check its permissions"
    except UnicodeDecodeError as error:
        problem = f"not UTF-8 text (byte {error.start}); save the deck file as UTF-8"
    except DeckError as error:
        problem = str(error)
    if problem:
        raise DeckError(f"{name}: {problem}")
    from powerdeck.deck.check import check_data, parse_and_check

    if cache is None:
        return parse_and_check(text, name, source)[0]
    from powerdeck.deck import cache as deck_cache

    key = deck_cache.deck_key(raw)
    cached = deck_cache.read_cached(cache, source, key)
    if cached is not None:
        try:
            return check_data(cached, name, text, source)
        except DeckError:
            pass  # a cache that fails the checks is not trusted: parse the deck itself
    deck, data = parse_and_check(text, name, source)
    deck_cache.write_cached(cache, source, key, data)
    return deck


def _reader(path: Path) -> Callable[[], bytes]:
    """Read a deck file without blocking on a FIFO or reading a device (or /dev/zero) for ever."""

    def read() -> bytes:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, "is a folder")
            if not stat.S_ISREG(st.st_mode):
                raise DeckError("is not a regular file (a pipe or a device); give a .yaml file")
            try:
                return read_bounded(fd, MAX_DECK_BYTES)
            except SpecialFile:
                raise DeckError(f"is larger than {MAX_DECK_BYTES // (1024 * 1024)} MB, too big for a deck") from None
        finally:
            os.close(fd)

    return read
