"""Widgets taken down are let go by Textual's style cache (textual._styles_cache, private).

`StylesCache.get_inner_outer` is an instance method under `functools.lru_cache(1024)`: its cache
key holds the StylesCache itself, so up to 1024 of them stay in memory after their widgets are
gone, each with the rendered lines it kept. About 20 go with each visit to the review log, about
0.4 MiB: a session that opened the log fifty times held some 20 MiB it could not use again.

`keep_no_widget_caches()` puts in its place the same function of the two colours alone, cached on
those. Called as each app is made (it acts once), before anything draws. If this Textual has no
such method, nothing is done (docs/architecture.md, private uses).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from powerdeck.tui.private_api import gone


@lru_cache(1024)
def _inner_outer(base_background: Any, background: Any) -> tuple[Any, Any]:
    from textual.style import Style

    return Style(background=base_background + background), Style(background=base_background)


def keep_no_widget_caches() -> bool:
    """Replace the method; False where this Textual does not have it as expected."""
    if gone("get_inner_outer"):
        return False
    try:
        from textual._styles_cache import StylesCache
    except ImportError:
        return False
    method = StylesCache.__dict__.get("get_inner_outer")
    if method is None or not hasattr(method, "cache_clear"):
        return False  # gone, or no longer cached per instance: nothing to fix

    def get_inner_outer(self: Any, base_background: Any, background: Any) -> tuple[Any, Any]:
        return _inner_outer(base_background, background)

    method.cache_clear()
    setattr(StylesCache, "get_inner_outer", get_inner_outer)  # noqa: B010  # setattr: the fix, typed apart from the cache it replaces
    return True
