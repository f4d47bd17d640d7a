"""A Footer that rebuilds its keys only when they have changed.

Textual's Footer removes and remounts every key each time its screen's bindings are refreshed,
whether or not anything it shows changed. Opening the review log refreshes them five or six
times (focus, the list, resume, resize), and each rebuild restyles a dozen widgets: together the
largest part of opening the screen and of each filter key. This one compares what it would show
with what it shows and skips the rebuild when they are the same, so it looks exactly like Footer.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer

from powerdeck.tui import private_api

try:  # private module: if a release moves it, each key is styled twice as it mounts, as in Footer
    from textual.widgets._footer import FooterKey

    if private_api.gone("FooterKey"):
        raise ImportError("FooterKey")
except ImportError:
    FooterKey = None  # type: ignore[assignment,misc]  # private Textual class; None when a release moves it


class QuietFooter(Footer):
    """Footer, minus the rebuilds that would draw the same keys again."""

    _shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        """Everything Footer.compose reads: the shown bindings, their state, the palette key."""
        active = self.screen.active_bindings
        keys: list[Any] = [
            (binding.key, binding.key_display, binding.description, binding.action, binding.group,
             enabled, tooltip)
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        ]
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        keys.append((self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE,
                     None if palette is None else (palette.binding, palette.enabled, palette.tooltip)))
        return tuple(keys)

    def compose(self) -> ComposeResult:
        # Noted in the same synchronous step as Footer.compose reads the bindings.
        # Private Footer/Widget flags (docs/architecture.md, "Private Textual API"): without them
        # nothing is noted, and every recompose rebuilds, as a plain Footer does.
        self._shown = self._keys() if private_api.private(self, "_bindings_ready", False) else None
        for widget in super().compose():
            is_key = FooterKey is not None and isinstance(widget, FooterKey)
            if is_key and (self.compact or "-command-palette" in widget.classes):
                # A key starts compact and says so with a class as it mounts, which restyles it
                # there and then (~0.8 ms a key as the review log opens): given the class now, it
                # is styled once. The palette's key is never bound to the footer's `compact`.
                widget.add_class("-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if (self._shown is not None and self.is_attached and not private_api.private(self, "_pruning", True)
                and self._keys() == self._shown):
            return
        await super().recompose()
