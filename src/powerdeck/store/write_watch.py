"""Make sure a queued write that fails in an unexpected way is still reported (never "Saving…" for ever).

The log worker hands a `PowerdeckError` to the write's `on_error`; anything else (an `OSError`
from `flock`, a bug) would end the worker's job silently and leave the screen waiting. The UI
watches the job's future too and turns such a failure into the same one-line report.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from powerdeck.core.errors import PowerdeckError

if TYPE_CHECKING:
    from powerdeck.tui.app import PowerDeckApp


def unexpected_failure(error: BaseException) -> PowerdeckError:
    """One line for a write that failed with something other than a PowerdeckError."""
    detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return PowerdeckError(
        f"Could not save to the log ({type(error).__name__}: {' '.join(detail.split())}); "
        "your text is kept in memory: save it again, or quit and choose where to save it."
    )


def watch_unexpected(
    future: Future[None] | None, app: PowerDeckApp, on_error: Callable[[PowerdeckError], None]
) -> None:
    """Call `on_error` on the UI thread if the queued write behind `future` raised anything."""
    if future is None:
        return

    def done(finished: Future[None]) -> None:
        if finished.cancelled():
            return
        error = finished.exception()
        if error is not None:
            app.deliver_from_thread(on_error, unexpected_failure(error))

    future.add_done_callback(done)
