"""core/follow_up.py: the follow-up date as typed (dates, +3w, +2m), tags and hours; and the
extras on an entry: stored only when set, checked like every other field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from powerdeck.core.dates import DateError
from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.follow_up import (
    add_months,
    check_hours,
    check_tags,
    parse_follow_up,
    parse_hours,
    parse_tags,
    uk_date,
)

TODAY = date(2026, 12, 5)
BASE = dict(id="a1", card="4.2", capability=4, action="Met the PCN lead", outcome="", learning="",
            created="2026-12-01T09:00:00+00:00", updated="2026-12-01T09:00:00+00:00")


@pytest.mark.parametrize(("typed", "expected"), [
    ("14/1/2027", date(2027, 1, 14)),
    ("2027-01-14", date(2027, 1, 14)),
    ("  14.01.2027 ", date(2027, 1, 14)),
    ("+3w", TODAY + timedelta(weeks=3)),
    ("+2m", date(2027, 2, 5)),
    ("+10d", date(2026, 12, 15)),
    ("+ 1 M", date(2027, 1, 5)),
    ("", None),
    ("   ", None),
])
def test_follow_up_as_typed(typed: str, expected: date | None) -> None:
    assert parse_follow_up(typed, TODAY) == expected


def test_a_month_on_from_the_31st_is_the_end_of_the_next_month() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert parse_follow_up("+1m", date(2026, 12, 31)) == date(2027, 1, 31)


@pytest.mark.parametrize(("typed", "says"), [
    ("1/14/2027", "no month 14"),
    ("31/2/2027", "has no day 31"),
    ("14/1/27", "write the year in full"),
    ("+3x", "+10d, +3w or +2m"),
    ("+1000w", "too far ahead"),
    ("next week", "+3w for three weeks"),
    ("0001-01-01", "too long ago"),
])
def test_follow_up_refused_in_one_line(typed: str, says: str) -> None:
    with pytest.raises(DateError, match=says.replace("+", r"\+")) as caught:
        parse_follow_up(typed, TODAY)
    assert "\n" not in str(caught.value)


@given(st.text(max_size=60), st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)))
def test_any_typed_follow_up_is_a_date_or_one_line(typed: str, today: date) -> None:
    """Whatever is typed: a date a stored entry can hold, or DateError in one line."""
    try:
        day = parse_follow_up(typed, today)
    except DateError as error:
        assert "\n" not in str(error) and len(str(error)) < 250
        return
    if day is not None:
        assert Entry.from_dict({**BASE, "follow_up": day.isoformat()}).follow_up_date == day


@given(st.integers(min_value=0, max_value=999), st.sampled_from("dwm"),
       st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31)))
def test_ahead_is_never_before_today(count: int, unit: str, today: date) -> None:
    day = parse_follow_up(f"+{count}{unit}", today)
    assert day is not None and day >= today


def test_uk_date_day_first() -> None:
    assert uk_date(date(2027, 1, 12)) == "12/01/2027"


def test_tags_as_typed() -> None:
    assert parse_tags("values, CPD ,  team  work,,Values") == ("values", "CPD", "team work")
    with pytest.raises(ValueError):
        parse_tags("x" * 61)


@given(st.text(max_size=200))
def test_any_typed_tags_are_storable_or_refused(typed: str) -> None:
    try:
        tags = parse_tags(typed)
    except ValueError as error:
        assert "\n" not in str(error)
        return
    assert check_tags(list(tags)) == tags


@pytest.mark.parametrize(("typed", "hours"), [("1.5", 1.5), ("1,5", 1.5), ("", None), ("2", 2.0), (".25", 0.25)])
def test_hours_as_typed(typed: str, hours: float | None) -> None:
    assert parse_hours(typed) == hours


@pytest.mark.parametrize("typed", ["-1", "1e3", "nan", "inf", "99999", "1.234", "one"])
def test_hours_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_hours(typed)


@given(st.text(max_size=20))
def test_any_typed_hours_are_storable_or_refused(typed: str) -> None:
    try:
        hours = parse_hours(typed)
    except ValueError as error:
        assert "\n" not in str(error)
        return
    assert check_hours(hours) == hours


# -- the extras on an entry -------------------------------------------------------------------

def test_an_entry_from_before_stores_exactly_what_it_had() -> None:
    entry = Entry.from_dict(BASE)
    assert entry.to_dict() == BASE
    assert (entry.follow_up, entry.private, entry.tags, entry.hours) == ("", False, (), None)


def test_extras_round_trip() -> None:
    raw = {**BASE, "follow_up": "2027-01-14", "private": True, "tags": ["values", "CPD"], "hours": 1.5}
    entry = Entry.from_dict(raw)
    assert entry.to_dict() == raw
    assert entry.is_due(date(2027, 1, 14)) and not entry.is_due(date(2027, 1, 13))
    assert EntryFilter(due_on=date(2027, 2, 1)).matches(entry)
    assert EntryFilter(tag="cpd").matches(entry) and not EntryFilter(tag="team").matches(entry)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("follow_up", "14/01/2027", "YYYY-MM-DD"),
    ("follow_up", "2027-02-30", "not a real date"),
    ("follow_up", 20270114, "YYYY-MM-DD"),
    ("private", "yes", "true or false"),
    ("private", 1, "true or false"),
    ("tags", "values", "list of texts"),
    ("tags", ["ok", 3], "list of texts"),
    ("tags", ["a\nb"], "control character"),
    ("tags", ["a,b"], "comma"),
    ("tags", ["x"] * 31, "more than 30"),
    ("tags", ["CPD", "cpd"], "same tag twice"),
    ("tags", [" padded"], "spaces at an end"),
    ("hours", "2", "must be a number"),
    ("hours", True, "must be a number"),
    ("hours", -1, "from 0"),
    ("hours", float("nan"), "from 0"),
    ("hours", 10 ** 400, "from 0"),
])
def test_a_bad_extra_is_refused_naming_the_field(name: str, value: object, says: str) -> None:
    with pytest.raises((TypeError, ValueError), match=says) as caught:
        Entry.from_dict({**BASE, name: value})
    assert f'"{name}"' in str(caught.value)


@given(st.text(max_size=300))
def test_any_tags_txt_gives_storable_tags_or_one_line(text: str) -> None:
    import tempfile
    from pathlib import Path

    from powerdeck.core.errors import PowerdeckError
    from powerdeck.store.org_files import read_tags_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tags.txt"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            tags = read_tags_file(path)
        except PowerdeckError as error:
            assert "\n" not in str(error)
            return
    for tag in tags:
        assert check_tags([tag]) == (tag,)
