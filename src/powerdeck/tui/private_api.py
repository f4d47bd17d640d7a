"""The one way powerdeck reads a private part of Textual or Rich (docs/architecture.md's table).

Each use falls back when this Textual lacks the name: `private()` returns the default, `has()` is
False, and a module that imports a private class looks here first. `ALL_GONE` (or a name in
`GONE`) makes every look-up miss, as if a release had renamed them all:
tests/test_private_textual_api.py starts the real app that way (the environment variable below,
read at import, so it holds for the checks modules make as they load) and uses it. No Textual
import here.
"""

from __future__ import annotations

import os
from typing import Any

PRETEND_GONE = "POWERDECK_PRETEND_PRIVATE_TEXTUAL_GONE"
ALL_GONE = os.environ.get(PRETEND_GONE) == "1"
"""Every private name counts as missing: the test of every fallback at once."""
GONE: set[str] = set()
"""Names that count as missing."""


def gone(name: str) -> bool:
    """The private `name` is to be treated as absent from this Textual."""
    return ALL_GONE or name in GONE


def private(owner: object, name: str, default: Any = None) -> Any:
    """`owner.<name>`, a private part of Textual or Rich, or `default` where it is missing."""
    if gone(name):
        return default
    return getattr(owner, name, default)


def has(owner: object, name: str) -> bool:
    return not gone(name) and hasattr(owner, name)


def require(owner: object, *names: str) -> None:
    """AttributeError unless `owner` has every private name: for code that falls back on it."""
    for name in names:
        if not has(owner, name):
            raise AttributeError(f"{type(owner).__name__} has no {name}")
