"""An entry's extras: the follow-up date ("come back to this by"), tags and hours, as typed and as
stored. No I/O and no Textual: the editor, the log, the importer and the exports share it.

A follow-up is typed as a date (`14/1/2027`, `2027-01-14`: core/dates.py reads those) or as a
time from today: `+10d`, `+3w`, `+2m` (days, weeks, months; a month on from 31 January is the
last day of February). It is stored as `YYYY-MM-DD`. Tags are typed separated by commas; hours
as a number (`1.5`, or `1,5` as many keyboards write it).
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from powerdeck.core.dates import HOW_TO_WRITE, DateError, parse_date, uk_date  # uk_date: one definition, there
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line

if TYPE_CHECKING:
    from powerdeck.core.entry import Entry

MAX_AHEAD = 999
"""`+N` units at most: ten years of weeks is far beyond a follow-up, a 60-digit count is hostile."""
MAX_TAGS = 30
MAX_TAG_CHARS = 60
MAX_HOURS = 10_000.0
"""Hours on one entry: more than a year of full-time work is a typing slip or a hostile import."""
_AHEAD = re.compile(r"\+\s*([0-9]{1,9})\s*([dwmDWM])")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TAG_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff,]")


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole months, kept within the month (31 January + 1 month: 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def parse_follow_up(text: str, today: date) -> date | None:
    """The follow-up date typed in `text` (None when empty); DateError, one line, otherwise."""
    typed = text.strip()
    if not typed:
        return None
    ahead = _AHEAD.fullmatch(typed)
    if ahead is None:
        if typed.startswith("+"):
            raise DateError(f"The follow-up {visible_line(typed[:40])!r} is not clear: write +10d, +3w "
                            "or +2m (days, weeks, months from today), or a date")
        try:
            day = parse_date(typed, "The follow-up")
        except DateError as error:
            if "is not a date" in str(error):
                raise DateError(f"{error}, or +3w for three weeks from today") from None
            raise
        if day.year < 1900:
            raise DateError(f"The follow-up {visible_line(typed[:40])!r} is too long ago: {HOW_TO_WRITE}")
        return day
    count, unit = int(ahead.group(1)), ahead.group(2).lower()
    if count > MAX_AHEAD:
        raise DateError(f"The follow-up +{count}{unit} is too far ahead: write at most +{MAX_AHEAD}{unit}")
    try:
        if unit == "m":
            return add_months(today, count)
        return today + timedelta(days=count * (7 if unit == "w" else 1))
    except (OverflowError, ValueError):
        raise DateError(f"The follow-up +{count}{unit} is past the year 9999: {HOW_TO_WRITE}") from None


def check_follow_up(value: object) -> str:
    """A stored follow-up: "" or a real date as YYYY-MM-DD; ValueError (short, names the field)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValueError('field "follow_up" must be a date written YYYY-MM-DD, e.g. 2027-01-14')
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'field "follow_up" is not a real date: {value}') from None
    if day.year < 1900:
        raise ValueError('field "follow_up" must be in a year from 1900')
    return value


def check_tag(tag: object, field_name: str = "tags") -> str:
    """One tag: one line of 1 to 60 visible characters, no comma (it separates tags when typed)."""
    if not isinstance(tag, str):
        raise TypeError(f'field "{field_name}" must be a list of texts')
    if not tag.strip() or tag != tag.strip():
        raise ValueError(f'field "{field_name}" has an empty tag, or one with spaces at an end')
    if len(tag) > MAX_TAG_CHARS:
        raise ValueError(f'field "{field_name}" has a tag longer than {MAX_TAG_CHARS} characters')
    if _TAG_FORBIDDEN.search(tag):
        raise ValueError(f'field "{field_name}" has a tag with a comma or a control character')
    return tag


def check_tags(value: object, field_name: str = "tags") -> tuple[str, ...]:
    """A stored list of tags: at most 30, each `check_tag`, no tag twice (ignoring case)."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise TypeError(f'field "{field_name}" must be a list of texts')
    if len(value) > MAX_TAGS:
        raise ValueError(f'field "{field_name}" has more than {MAX_TAGS} tags')
    tags = tuple(check_tag(tag, field_name) for tag in value)
    if len({tag.casefold() for tag in tags}) != len(tags):
        raise ValueError(f'field "{field_name}" has the same tag twice')
    return tags


def check_hours(value: object) -> float | None:
    """Stored hours: absent, or a number from 0 to 10,000."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError('field "hours" must be a number')
    if isinstance(value, int) and abs(value) > MAX_HOURS:
        raise ValueError(f'field "hours" must be from 0 to {MAX_HOURS:,.0f}')
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= MAX_HOURS:
        raise ValueError(f'field "hours" must be from 0 to {MAX_HOURS:,.0f}')
    return number


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed separated by commas (`values, CPD , team`), each trimmed; repeats dropped
    (ignoring case); ValueError (one line) for a tag that cannot be stored."""
    seen: dict[str, str] = {}
    for part in text.replace("\n", ",").split(","):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = check_tag(tag)
    tags = tuple(seen.values())
    if len(tags) > MAX_TAGS:
        raise ValueError(f"more than {MAX_TAGS} tags: keep the ones that matter")
    return tags


def parse_hours(text: str) -> float | None:
    """Hours typed as `1.5` or `1,5` (empty: none); ValueError (one line) otherwise."""
    typed = text.strip().replace(",", ".")
    if not typed:
        return None
    if not re.fullmatch(r"[0-9]{1,5}(\.[0-9]{1,2})?|\.[0-9]{1,2}", typed, re.ASCII):
        raise ValueError(f"hours {visible_line(text.strip()[:20])!r}: write a number such as 1.5")
    return check_hours(float(typed))


def hours_text(hours: float | None) -> str:
    """`1.5`, `2` (no trailing .0), empty for none."""
    if hours is None:
        return ""
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def tags_text(tags: Iterable[str]) -> str:
    return ", ".join(tags)


DETAILS: tuple[str, ...] = ("follow_up", "tags", "hours")
"""The one-line fields under an entry's texts in the editor, by name, in order."""
DETAIL_LABELS: dict[str, str] = {"follow_up": "Follow up by", "tags": "Tags", "hours": "Hours"}
BLANK_DETAILS: dict[str, str] = dict.fromkeys(DETAILS, "")


class DetailsError(PowerdeckError, ValueError):
    """A detail typed in the editor that cannot be stored; one line saying what to write."""


def entry_details(entry: Entry | None) -> dict[str, str]:
    """An entry's extras as the editor shows them: `14/01/2027`, `values, CPD`, `1.5`."""
    if entry is None:
        return dict(BLANK_DETAILS)
    day = entry.follow_up_date
    return {"follow_up": uk_date(day) if day else "", "tags": tags_text(entry.tags), "hours": hours_text(entry.hours)}


def details_to_extras(details: dict[str, str], today: date) -> dict[str, Any]:
    """What the editor's details store as (Log.save_entry's `extras`); DetailsError otherwise."""
    try:
        day = parse_follow_up(details.get("follow_up", ""), today)
    except DateError as error:
        raise DetailsError(str(error)) from None
    try:
        tags = parse_tags(details.get("tags", ""))
    except ValueError as error:
        raise DetailsError(f"Tags: {error}") from None
    try:
        hours = parse_hours(details.get("hours", ""))
    except ValueError as error:
        raise DetailsError(f"Hours: {error}") from None
    return {"follow_up": day.isoformat() if day else "", "tags": tags, "hours": hours}


def due_line(entries: Iterable[Entry], today: date, limit: int = 3) -> str:
    """ "2 actions are due for an outcome: 4.2 (due 12/01/2027), 9.2 (overdue since 03/12/2026)",
    soonest first, or "" when none is due. One line: past `limit` cards it says how many more."""
    due = sorted((entry for entry in entries if entry.is_due(today)), key=lambda entry: (entry.follow_up, entry.card))
    if not due:
        return ""
    parts: list[str] = []
    for entry in due[:limit]:
        day = entry.follow_up_date
        assert day is not None  # is_due: it has one
        parts.append(f"{entry.card} ({'due' if day == today else 'overdue since'} {uk_date(day)})")
    if len(due) > limit:
        parts.append(f"{len(due) - limit} more")
    verb = "action is" if len(due) == 1 else "actions are"
    return f"{len(due)} {verb} due for an outcome: {', '.join(parts)}"


def first_due(entries: Iterable[Entry], today: date) -> Entry | None:
    """The entry `due_line` names first."""
    due = sorted((entry for entry in entries if entry.is_due(today)), key=lambda entry: (entry.follow_up, entry.card))
    return due[0] if due else None
