"""dates.py: one parser for every date a person types (ISO and the UK day-first order), and the
appraisal (1 April to 31 March) and calendar years, with their boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powerdeck.core.dates import (
    DateError,
    appraisal_year,
    appraisal_year_of,
    calendar_year,
    parse_date,
    parse_optional_date,
)
from powerdeck.core.entry import Entry, EntryFilter
from powerdeck.core.errors import PowerdeckError

SETTINGS = settings(derandomize=True, max_examples=400, deadline=None)


@pytest.mark.parametrize("typed", ["2026-04-01", "01/04/2026", "1/4/2026", "1.4.2026", "01-04-2026", " 1/4/2026 "])
def test_the_same_day_three_ways(typed: str) -> None:
    assert parse_date(typed) == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026", "'31/02/2026' is not a date: February 2026 has no day 31"),
        ("29/02/2027", "February 2027 has no day 29"),
        ("04/13/2026", "there is no month 13 (the day comes first: day/month/year)"),
        ("2026-13-01", "there is no month 13"),
        ("1/4/26", "is not clear: write the year in full, e.g. 1/4/2026"),
        ("yesterday", "is not a date: write it as YYYY-MM-DD or day/month/year"),
        ("2026/04/01", "is not a date"),
        ("\x1b[2J1/4/2026", "'␛[2J1/4/2026' is not a date"),
    ],
)
def test_impossible_or_ambiguous_dates_get_one_line(typed: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(typed, "--since")
    assert message in str(caught.value)
    assert str(caught.value).startswith("--since ")
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert isinstance(caught.value, PowerdeckError) and isinstance(caught.value, ValueError)


def test_a_leap_day() -> None:
    assert parse_date("29/2/2028") == date(2028, 2, 29) == parse_date("2028-02-29")
    assert parse_optional_date("  ") is None and parse_optional_date(None) is None


@SETTINGS
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_every_day_reads_back_in_each_form(day: date) -> None:
    for typed in (day.isoformat(), f"{day.day:02d}/{day.month:02d}/{day.year}",
                  f"{day.day}/{day.month}/{day.year}", f"{day.day}.{day.month}.{day.year}"):
        assert parse_date(typed) == day


@SETTINGS
@given(st.text(alphabet=st.sampled_from("0123456789/-. ab\x1b\u00e9"), max_size=14))
def test_anything_typed_is_a_date_or_one_line(typed: str) -> None:
    try:
        parse_date(typed, "From date")
    except DateError as error:
        assert "\n" not in str(error) and str(error).startswith("From date ")


def entry_on(created: str) -> Entry:
    return Entry("x", "1.1", 1, "a", "", "", created, created)


def test_appraisal_year_boundaries() -> None:
    year = appraisal_year(2026)
    assert (year.since, year.until) == (date(2026, 4, 1), date(2027, 3, 31))
    assert appraisal_year_of(date(2026, 3, 31)) == 2025
    assert appraisal_year_of(date(2026, 4, 1)) == 2026
    assert appraisal_year_of(date(2028, 2, 29)) == 2027  # a leap day is in the year before
    leap = appraisal_year(2027)
    assert leap.until == date(2028, 3, 31)
    in_year = EntryFilter(since=year.since, until=year.until)
    assert not in_year.matches(entry_on("2026-03-31T23:59:59+01:00"))
    assert in_year.matches(entry_on("2026-04-01T00:00:00+01:00"))
    assert in_year.matches(entry_on("2027-03-31T23:59:59+01:00"))
    assert not in_year.matches(entry_on("2027-04-01T00:00:00+01:00"))
    assert EntryFilter(since=leap.since, until=leap.until).matches(entry_on("2028-02-29T12:00:00+00:00"))


def test_calendar_year_boundaries() -> None:
    year = calendar_year(2028)
    assert (year.since, year.until) == (date(2028, 1, 1), date(2028, 12, 31))
    only = EntryFilter(since=year.since, until=year.until)
    assert not only.matches(entry_on("2027-12-31T23:59:59+00:00"))
    assert only.matches(entry_on("2028-01-01T00:00:00+00:00"))
    assert only.matches(entry_on("2028-02-29T00:00:00+00:00"))
    assert not only.matches(entry_on("2029-01-01T00:00:00+00:00"))
