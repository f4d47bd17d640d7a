"""The one base class for every error a user may see.

Anything raised as a `PowerdeckError` reaches the user as one line (its message) and exit
status 2, never as a traceback: the message must say what is wrong and what to do.
"""


class PowerdeckError(Exception):
    """An error whose message is fit to show a user as it is."""
