"""The checksum ("seal") in a store file's metadata, and the bytes a write puts on disk.

Damage that stays valid JSON (a flipped bit in a date or a digit, a hand edit) would otherwise be
read as the truth. Every write puts a BLAKE2b (256-bit) hash of the file's own bytes in the first
document of its `meta` table, written first: the hash is of the file with those 64 hex digits as
zeros, so a read checks it without encoding anything again. A file without one (written before
the seal existed) opens as it is and gets one with its next write.
"""

from __future__ import annotations

import json
import re
from typing import Any

Data = dict[str, dict[str, Any]]
"""A store file as TinyDB holds it: tables of documents by id."""


class SealBroken(ValueError):
    """The file is valid JSON of our shape but not what we wrote: its checksum does not match."""


try:  # BLAKE2 without hashlib: hashlib loads OpenSSL (35 ms), which a start never needs (launch.py)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

META = "meta"
CHECKSUM = "checksum"
_ZEROS = "0" * 64
_SEAL_AT = re.compile(rb'"checksum":"([0-9a-f]{64})"')


def _digest(payload: bytes, start: int, end: int) -> str:
    """The hash of `payload` with bytes start:end (the checksum's hex digits) read as zeros,
    hashed in place (a 5 MB log is not copied for it)."""
    view = memoryview(payload)
    hasher = blake2b(view[:start], digest_size=32)
    hasher.update(_ZEROS.encode())
    hasher.update(view[end:])
    return hasher.hexdigest()


def seal(data: Data) -> bytes:
    """`encode(data)` with the `meta` table first and its checksum set (no meta: no checksum)."""
    meta = data.get(META)
    if not meta:
        return encode(data)
    first = next(iter(meta))
    doc = {key: value for key, value in meta[first].items() if key != CHECKSUM}
    doc[CHECKSUM] = _ZEROS
    ordered = {META: {**meta, first: doc}, **{name: table for name, table in data.items() if name != META}}
    payload = encode(ordered)
    found = _SEAL_AT.search(payload)
    assert found is not None and found.group(1) == _ZEROS.encode()  # meta is first: its own seal
    digest = _digest(payload, found.start(1), found.end(1)).encode()
    return payload[: found.start(1)] + digest + payload[found.end(1):]


def sealed(data: Data) -> bool:
    meta = data.get(META) or {}
    return bool(meta) and CHECKSUM in next(iter(meta.values()))


def check_seal(raw: bytes, data: Data) -> None:
    """SealBroken unless the checksum in `data`'s metadata is that of `raw` (none: nothing to check)."""
    if not sealed(data):
        return
    claimed = next(iter(data[META].values()))[CHECKSUM]
    found = _SEAL_AT.search(raw)
    if not isinstance(claimed, str) or found is None or found.group(1) != claimed.encode("ascii", "replace"):
        raise SealBroken("its checksum is missing or damaged")
    if _digest(raw, found.start(1), found.end(1)) != claimed:
        raise SealBroken("its content does not match its checksum (it was changed outside powerdeck, "
                         "or the disk damaged it)")


def as_document(value: object) -> dict[str, Any]:
    """A table may hold objects in place of documents (the log keeps its Entry objects there):
    written as the document their `to_dict()` gives."""
    to_dict = getattr(value, "to_dict", None)
    if to_dict is None:
        raise TypeError(f"{type(value).__name__} cannot be written to the log")
    document: dict[str, Any] = to_dict()
    return document


def encode(data: Data) -> bytes:
    """Compact UTF-8 JSON, text kept readable (ensure_ascii=False)."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=as_document).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a broken terminal) is not UTF-8; \u escapes keep it exactly.
        return json.dumps(data, separators=(",", ":"), default=as_document).encode("ascii")


