"""Text helpers: text from a file or a person made safe to show (shown, never obeyed), counts in
words (`plural`) and text cut to a width (`shorten`). Dates are in dates.py.

A log, an import or a deck can hold control characters (an escape sequence that leaves the
alternate screen or sets the terminal title, a bell, a lone surrogate from a broken terminal).
Stored text is never changed; every place that shows such text, in the app and on the command
line, passes it through one of these first.

No Textual import at the top: the command line uses this module too (only `shorten`, which the
app alone calls, loads Textual's `Content`).
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROL_PICTURES[0x7F] = "\u2421"  # ␡

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab and newline), DEL, C1 (8-bit CSI, OSC, ...)
    "\u2028\u2029"  # line and paragraph separators: a new line the terminal does not expect
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings and overrides: they reorder what follows
    "\ud800-\udfff"  # lone surrogates: not encodable, they would end the write
    "]"
)
UNSAFE = _UNSAFE
"""One pattern (a class with ranges beyond Latin-1 takes a while to compile, at every start):
visible_line and is_visible add tabs and newlines with str.replace and `in`."""


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in _CONTROL_PICTURES:
        return _CONTROL_PICTURES[code]
    return "\ufffd"  # C1, separators, bidi controls, surrogates: the replacement character


def visible(text: str) -> str:
    """`text` with every control character made visible (ESC shows as ␛); tabs and newlines kept."""
    return _UNSAFE.sub(_picture, text)


def visible_line(text: str) -> str:
    """`visible`, for one line: tabs and newlines become spaces too."""
    return _UNSAFE.sub(_picture, text).replace("\t", " ").replace("\n", " ")


def is_visible(text: str) -> bool:
    """True when `visible_line(text) == text` (nothing to replace): a fast check for hot paths."""
    return "\n" not in text and "\t" not in text and _UNSAFE.search(text) is None


def visible_file(text: str) -> str:
    """A whole text file (an export) that `cat` shows and never obeys: `visible`, except that a
    line ending CR LF stays a line ending (a CSV file's rows end so). A lone CR, which would move
    the cursor back over what a line said, shows as ␍."""
    if "\r\n" not in text:
        return visible(text)
    return "\r\n".join(visible(part) for part in text.split("\r\n"))


def plural(count: int, word: str = "entry", words: str = "entries") -> str:
    """`1 entry`, `2 entries`, `1,200 entries`: a count and its word."""
    return f"{count:,} {word if count == 1 else words}"



def folded(text: str) -> str:
    """`text` as a search compares it: case and accents ignored, so "cafe" finds "Café" and
    "CAFÉ" (each character decomposed and its accents dropped, then casefolded)."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
