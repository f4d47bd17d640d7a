"""Dates a person types, and the periods a review covers: one parser for every place that asks.

A date is typed as ISO `2026-04-01` or in the UK order, day first: `01/04/2026`, `1/4/2026`
(also with `.` or `-` between the parts). All three mean 1 April 2026. The year is written in
full: `1/4/26` could be 1926 or 2026, so it is refused with a line saying so, as is a date that
does not exist (`31/02/2026`) or a month over 12 (`04/13/2026`, the US order).

Periods: a calendar year (1 January to 31 December) and an appraisal year, which in the NHS
and most UK councils runs from 1 April to 31 March (`appraisal_year(2026)` is 1 April 2026 to
31 March 2027).

No Textual import here: the command line and the app share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
HOW_TO_WRITE = "write it as YYYY-MM-DD or day/month/year, e.g. 2026-04-01 or 1/4/2026"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d+)")


class DateError(PowerdeckError, ValueError):
    """A typed date that is not one; the message is one line a person can act on."""


def long_date(day: date) -> str:
    """`1 April 2026`, the same whatever the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parse_date(text: str, what: str = "The date") -> date:
    """The date in `text` (ISO or day/month/year), or DateError naming `what` (e.g. "--since")."""
    typed = text.strip()
    shown = repr(visible_line(typed[:40]))
    iso = _ISO.fullmatch(typed)
    day_first = _DAY_FIRST.fullmatch(typed)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif day_first:
        day, month, year_text = int(day_first.group(1)), int(day_first.group(3)), day_first.group(4)
        if len(year_text) != 4:
            raise DateError(
                f"{what} {shown} is not clear: write the year in full, e.g. "
                f"{day}/{month}/20{year_text[-2:].zfill(2)}"
            )
        year = int(year_text)
    else:
        raise DateError(f"{what} {shown} is not a date: {HOW_TO_WRITE}")
    if not 1 <= month <= 12:
        hint = " (the day comes first: day/month/year)" if day_first and 1 <= day <= 12 else ""
        raise DateError(f"{what} {shown} is not a date: there is no month {month}{hint}")
    if year < 1:
        raise DateError(f"{what} {shown} is not a date: {HOW_TO_WRITE}")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            f"{what} {shown} is not a date: {MONTHS[month - 1]} {year} has no day {day}"
        ) from None


def parse_optional_date(text: str | None, what: str = "The date") -> date | None:
    """`parse_date`, with an empty or missing value meaning no date."""
    if text is None or not text.strip():
        return None
    return parse_date(text, what)


@dataclass(frozen=True)
class Period:
    """The dates a filter or an export covers; either end may be open (None)."""

    since: date | None = None
    until: date | None = None


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def appraisal_year(year: int) -> Period:
    """The NHS appraisal / PDR year that starts in `year`: 1 April to the next 31 March."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31))


def appraisal_year_of(day: date) -> int:
    """The appraisal year `day` falls in: 31 March 2026 is in 2025's, 1 April 2026 in 2026's."""
    return day.year if day.month >= 4 else day.year - 1


def period_title(since: date | None, until: date | None, entry_days: Iterable[date] = (),
                 today: date | None = None) -> str:
    """The period for an export's title, always with both ends where they can be known.

    An open end is filled from the entries themselves (or today, for an open end date), so a
    reader never sees "from 1 January 2026" and has to guess where it stopped.
    """
    if since is not None and until is not None:
        return f"{long_date(since)} to {long_date(until)}"
    days = sorted(entry_days)
    if since is not None:
        end = max([today or date.today(), *days[-1:]])
        return f"{long_date(since)} to {long_date(end)}"
    if until is not None:
        if days:
            return f"up to {long_date(until)} (entries from {long_date(days[0])})"
        return f"up to {long_date(until)}"
    if days:
        return f"all entries, {long_date(days[0])} to {long_date(days[-1])}"
    return "all entries (none yet)"


def uk_date(day: date) -> str:
    """`05/03/2026`: the way a UK reader writes a date, day first (every date a person reads)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def uk_date_of(stamp: str) -> str:
    """The day of an ISO date or timestamp (`2026-03-05T09:15:00+00:00`) the UK way; text that is
    not one is shown as it is."""
    try:
        return uk_date(date.fromisoformat(stamp[:10]))
    except ValueError:
        return visible_line(stamp[:10])
