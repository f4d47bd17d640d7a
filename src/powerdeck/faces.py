"""A package's face that loads its modules lazily: `from powerdeck.store import Log` imports
`store/log.py` only then, so a start pays for no module its first frame does not use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: each name in `where` comes from the module named there."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> object:
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # found once; the next lookup is an ordinary attribute
        return value

    return __getattr__
