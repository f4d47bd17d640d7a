"""The one base class for every error a user may see.

Anything raised as a `PowerdeckError` reaches the user as one line (its message) and exit
status 2, never as a traceback: the message must say what is wrong and what to do.
"""


class PowerdeckError(Exception):
    """An error whose message is fit to show a user as it is."""


class LogWriteError(PowerdeckError):
    """A save failed (disk full, read-only): nothing on disk was damaged and the caller may retry.

    Here, not in storage.py, because the data folder's checks (path_checks.py) raise it too."""


class Busy(PowerdeckError):
    """Refused for now, not for good: one of the person's own jobs is still running, or the server
    is making as many files as it will at once. Asking again later will work."""


def describe(error: BaseException, limit: int = 200) -> str:
    """Any exception as a short single line, for a message about something unexpected.

    Never raises: str() of some exceptions fails (a value past Python's int-digit limit), and a
    message may hold newlines or be huge."""
    try:
        text = str(error)
    except Exception:  # str() of a foreign exception may raise anything
        text = ""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit] + "…"
    name = type(error).__name__
    return f"{name}: {text}" if text else name
