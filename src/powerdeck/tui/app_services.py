"""What a screen may use of the app: the contract between PowerDeckApp and its screens, written once.

A screen's `self.app` is Textual's `App[Any]`; what powerdeck adds to it (the deck, the store,
the watcher, the keeper of refused text, the actions a screen may ask for) is this protocol, and
`services(node)` hands it over typed, without a cast: the app is checked against the protocol
once per app class (`isinstance` on a runtime-checkable protocol), then trusted. Textual's own
methods (push_screen, notify, ...) are used through `self.app` as in any Textual app.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, runtime_checkable

from powerdeck.core.errors import PowerdeckError

if TYPE_CHECKING:
    from textual.app import App

    from powerdeck.deck.model import Deck
    from powerdeck.store import FirstFrame, LogWorker
    from powerdeck.tui.log_watch import LogWatcher
    from powerdeck.tui.options import AppOptions
    from powerdeck.tui.problem_notice import ProblemNotice
    from powerdeck.tui.text_holders import RefusedText


@runtime_checkable
class AppServices(Protocol):
    """What PowerDeckApp offers its screens."""

    @property
    def deck(self) -> Deck:
        """The deck as shown (every text made visible: app.shown_deck)."""

    @property
    def options(self) -> AppOptions: ...

    @property
    def store(self) -> LogWorker:
        """The one way to the log: reads now, writes queued on its writer thread."""

    @property
    def log_watcher(self) -> LogWatcher:
        """The one signal of every change to the log, this process's and another's."""

    @property
    def refused(self) -> RefusedText:
        """Typed text whose write was refused after its screen had gone."""

    @property
    def problems(self) -> ProblemNotice:
        """Why writes are refused, said once (a screen's ProblemLine follows it)."""

    @property
    def first_paint_held(self) -> bool: ...

    @property
    def first_frame(self) -> FirstFrame | None:
        """What the first frame shows instead of reading the log (the log's summary), until the
        log has been read on the writer's thread after that frame; then None (log_summary.py)."""

    def report_error(self, error: PowerdeckError) -> None:
        """One line about a failed read or write."""

    def hold_input_until(self, work: Coroutine[Any, Any, None]) -> None: ...

    def export_delivery(self) -> Callable[[str, bytes], str] | None:
        """How a file made for the person reaches them: None, written beside them (a terminal);
        else a browser tab's download (serve/served_app.py)."""

    def action_help(self) -> None: ...

    def action_open_log(self) -> None: ...

    def action_open_overview(self) -> None: ...

    def due_line(self) -> str:
        """ "2 actions are due for an outcome: 4.2 (due 12/01/2027), ..." or "" (core/follow_up.py)."""

    def action_open_due(self) -> None: ...

    def action_export_log(self) -> None: ...

    def action_random_card(self) -> None: ...

    def action_go_to_card(self, card_id: str) -> None: ...


_SERVING: set[type] = set()
"""App classes found to satisfy AppServices (the check walks every member: done once a class)."""


def _serves(app: object) -> TypeGuard[AppServices]:
    kind = type(app)
    if kind in _SERVING:
        return True
    if isinstance(app, AppServices):
        _SERVING.add(kind)
        return True
    return False


class InApp(Protocol):
    """A widget, a screen, a command provider: anything Textual gives an `app`."""

    @property
    def app(self) -> App[Any]: ...


def services(node: InApp) -> AppServices:
    """The app `node` runs in, as the screens may use it; TypeError if it is not a powerdeck app."""
    app = node.app
    if not _serves(app):
        raise TypeError(f"{type(app).__name__} does not offer powerdeck's screens what they need")
    return app
