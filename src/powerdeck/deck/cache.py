"""The deck as JSON, kept in the user's cache folder so a start need not import YAML and parse.

Importing PyYAML and parsing deck.yaml cost 6-9 ms of every start (more on a loaded machine);
json.loads of the same data costs about 0.1 ms. The cache is only ever a shortcut:

- its key is powerdeck's version and the deck file's whole text, kept in the cache file and
  compared exactly, so an edited deck (or a new powerdeck) never meets an old cache. (A hash
  would do as well but `hashlib` loads OpenSSL, 3-4 ms of every start; comparing 20 KB costs
  microseconds and cannot collide.)
- the data read from it goes through the same checks as data parsed from YAML (deck._Checker);
- a cache file that is missing, stale, damaged, a symlink, not a regular file, not the user's
  own or readable by others is ignored and the deck parsed from YAML (and the cache rewritten);
- it lives in a private folder (0700, the user's own, created as the data folder is), written
  0600 through a temp file and a rename, never through a symlink.

No Textual, no YAML import here.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import zlib
from pathlib import Path
from typing import Any

from powerdeck import __version__
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import SpecialFile, check_private_dir, open_regular, private_dir, read_bounded

FORMAT = 2
MAX_CACHE_BYTES = 8 * 1024 * 1024
"""Far above any deck's JSON (the packaged deck is about 19 KB); a bigger file is not ours."""


def deck_key(deck_bytes: bytes) -> str:
    """The key a cache file must carry to stand for these deck bytes, in this powerdeck: the
    version and the bytes themselves (a byte that is not UTF-8 cannot be written to the cache's
    JSON: such a deck is not cached). (The version from __init__: importlib.metadata takes
    about 100 ms to find it.)"""
    return f"powerdeck {__version__} deck cache {FORMAT}\0" + deck_bytes.decode("utf-8", "surrogateescape")


def cache_file(folder: Path, source: str) -> Path:
    """One cache file per deck file (the packaged deck, a team's --deck), so they do not evict each
    other. The name is only a place: two paths that happen to share one take turns, never each
    other's data (the key is compared whole)."""
    return folder / f"deck-{zlib.crc32(source.encode('utf-8', 'surrogateescape')):08x}.json"


def read_cached(folder: Path, source: str, key: str) -> Any | None:
    """The deck data cached for `key`, or None for any reason at all (then parse the YAML)."""
    try:
        check_private_dir(folder)
        opened = open_regular(cache_file(folder, source))
    except (PowerdeckError, SpecialFile, OSError):
        return None
    if opened is None:
        return None
    fd, st = opened
    try:
        if st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) & 0o077 or st.st_size > MAX_CACHE_BYTES:
            return None
        raw = read_bounded(fd, MAX_CACHE_BYTES)
    except (SpecialFile, OSError):
        return None
    finally:
        os.close(fd)
    return decode(raw, key)


def decode(raw: bytes, key: str) -> Any | None:
    """The data in a cache file's bytes if they are whole and made for `key`; else None."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("key") != key:
        return None
    return document.get("data")


def encode(data: Any, key: str) -> bytes:
    return json.dumps({"format": FORMAT, "key": key, "data": data}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def write_cached(folder: Path, source: str, key: str, data: Any) -> None:
    """Keep the checked deck data for the next start; a failure only means no shortcut next time."""
    try:
        payload = encode(data, key)
    except (TypeError, ValueError):  # a value JSON cannot hold (a YAML date): no cache for this deck
        return
    if len(payload) > MAX_CACHE_BYTES or decode(payload, key) != data:
        return  # JSON would change it (a YAML key 1 comes back "1"): the checks could differ
    with contextlib.suppress(PowerdeckError, OSError):
        private_dir(folder)
        target = cache_file(folder, source)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(payload)
            os.replace(temp, target)  # rename replaces a symlink itself, never writes through it
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
