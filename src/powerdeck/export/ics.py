"""Follow-ups as an iCalendar file (RFC 5545), so they come back in the person's own calendar
without a mail server: one event with one alarm for each open entry that has a follow-up date.

Each event is at 09:00 UK time (Europe/London, with its VTIMEZONE, so a summer date is 09:00 BST)
on the follow-up day, for 30 minutes, with a display alarm 15 minutes before. Its summary names
the card; its description holds the action. The UID is the entry's own id, so opening a newer
file in Outlook or another calendar updates the event instead of adding a second one. A private
entry's event is marked CLASS:PRIVATE, which a shared calendar shows as busy without its text.

The bytes are reproducible: DTSTAMP is the export's own time (`ExportOptions.when`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from powerdeck.core.entry import Entry
from powerdeck.core.text import visible
from powerdeck.export.common import DeckLike, ExportOptions, card_title, safe_text

UK = "Europe/London"
START = time(9, 0)
LENGTH = timedelta(minutes=30)
REMIND_BEFORE = timedelta(minutes=15)
PRODID = "-//powerdeck//review log follow-ups//EN"
UID_DOMAIN = "powerdeck.invalid"
"""UIDs are `<entry id>@powerdeck.invalid`: unique per entry, the same in every export."""


def event_uid(entry: Entry) -> str:
    return f"{entry.id}@{UID_DOMAIN}"


def _plain(text: str) -> str:
    """User text as an iCalendar value can carry it: as typed, control characters made visible."""
    return visible(safe_text(text)).replace("\r\n", "\n")


def follow_ups(entries: Iterable[Entry]) -> list[Entry]:
    """The entries a calendar gets: open, with a follow-up date; soonest first."""
    return sorted((entry for entry in entries if entry.is_open and entry.follow_up),
                  key=lambda entry: (entry.follow_up, entry.card, entry.id))


def to_ics(entries: Iterable[Entry], deck: DeckLike, options: ExportOptions | None = None) -> bytes:
    """The follow-ups of `entries` as the bytes of a .ics file."""
    from icalendar import Alarm, Calendar, Event  # here: only when a calendar is asked for

    options = options or ExportOptions(fmt="ics")
    zone = ZoneInfo(UK)
    stamp = options.when.astimezone(timezone.utc)
    calendar = Calendar.new(prodid=PRODID, name="powerdeck follow-ups", uid=f"follow-ups@{UID_DOMAIN}",
                            method="PUBLISH")
    wanted = follow_ups(entries)
    for entry in wanted:
        day = entry.follow_up_date
        assert day is not None  # follow_ups() keeps only entries with one
        start = datetime.combine(day, START, tzinfo=zone)
        title = card_title(deck, entry.card)
        summary = _plain(f"Follow up: card {entry.card} {title}")
        missing = " and ".join(name for name in ("outcome", "learning") if not getattr(entry, name).strip())
        description = _plain(f"{entry.action.strip()}\n\nStill to write: {missing}. "
                             f"(powerdeck review log, card {entry.card} {title})")
        event = Event.new(
            uid=event_uid(entry),
            stamp=stamp,
            start=start,
            end=start + LENGTH,
            summary=summary,
            description=description,
            categories=[_plain(tag) for tag in entry.tags],
            last_modified=datetime.fromisoformat(entry.updated).astimezone(timezone.utc),
        )
        if entry.private:
            event.add("class", "PRIVATE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -REMIND_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    if wanted:
        # The UK's rules for the years the events fall in (the default, 1970 to 2038, is 8 KB).
        first, last = wanted[0].follow_up_date, wanted[-1].follow_up_date
        assert first is not None and last is not None
        calendar.add_missing_timezones(first_date=first.replace(month=1, day=1) - timedelta(days=1),
                                       last_date=date(last.year + 1, 1, 1) if last.year < 9999 else last)
    data: bytes = calendar.to_ical()
    return data
