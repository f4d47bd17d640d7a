"""When powerdeck itself fails (a bug, not the person's doing): one line on the screen, the details
in a private file.

Textual's own answer to an exception it did not expect is a full traceback, with local variables,
printed on the terminal as the app exits: unreadable to the people who use powerdeck, and, over
`powerdeck serve`, shown to them with whatever those variables held. Instead the drafts are kept,
the traceback (without locals) goes to a new 0600 file in the data folder, and the terminal gets
one line that says what happened and where the details are.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from powerdeck import __version__
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.store.new_private_file import write_new_private_file


def write_crash_report(directory: Path, error: BaseException) -> Path:
    """The error's traceback as a new private file in `directory`; PowerdeckError if refused."""
    text = f"powerdeck {__version__}\n" + "".join(traceback.format_exception(error))
    payload = text.encode("utf-8", "backslashreplace")
    return write_new_private_file(directory, "powerdeck-fault", ".txt", payload, then="nothing was written")


KEPT = "Your text was kept as a draft"
NOT_KEPT = "Some text may not have been kept as a draft"


def fault_line(report: Path | None, text_note: str = KEPT) -> str:
    """The one line the person reads when powerdeck stops because of its own fault; `text_note`
    says where their text is (KEPT, or the rescue file's line)."""
    where = f"; the details are in {visible_line(str(report))} (send that file to whoever looks after powerdeck)" \
        if report is not None else ""
    return (f"powerdeck stopped because of a fault in powerdeck itself, not anything you did. "
            f"{visible_line(text_note).rstrip('.')}{where}.")


def report_fault(directory: Path, error: BaseException, keep_text: Callable[[], str | None]) -> str:
    """Keep the typed text (`keep_text()` writes it, or a rescue file, and returns None when it is
    all in the log, else the line that says where it is), write the report, and return the line
    to show. Never raises: it runs while the app is already failing."""
    try:
        note = keep_text() or KEPT
    except BaseException:  # the app is failing already: say so, never a second traceback
        note = NOT_KEPT
    try:
        report: Path | None = write_crash_report(directory, error)
    except (PowerdeckError, OSError):
        report = None
    return fault_line(report, note)
