"""The periods a filter or an export can cover, as the terminal offers them: any date, the last
30 days, this or last appraisal year (April to March), this calendar year, or dates typed."""

from __future__ import annotations

from datetime import date, timedelta

from powerdeck.core.dates import (
    Period,
    appraisal_year,
    appraisal_year_of,
    calendar_year,
    long_date,
    parse_optional_date,
)
from powerdeck.web.simple.forms import Errors

ANY, TYPED = "any", "dates"


def choices(today: date) -> list[tuple[str, str]]:
    this = appraisal_year_of(today)

    def appraisal(year: int) -> str:
        period = appraisal_year(year)
        assert period.since is not None and period.until is not None
        return f"{long_date(period.since)} to {long_date(period.until)}"

    return [
        (ANY, "Any date"),
        ("last-30", "The last 30 days"),
        ("appraisal-this", f"This appraisal year: {appraisal(this)}"),
        ("appraisal-last", f"Last appraisal year: {appraisal(this - 1)}"),
        ("this-year", f"This calendar year: {today.year}"),
        (TYPED, "Between dates I choose"),
    ]


def resolve(choice: str, typed_from: str, typed_to: str, today: date, errors: Errors) -> Period:
    """The period chosen; a typed date that is not one goes into `errors` (field ids
    `from` and `to`) and that end is left open."""
    if choice == "last-30":
        return Period(today - timedelta(days=29), None)
    if choice == "this-year":
        return calendar_year(today.year)
    if choice in ("appraisal-this", "appraisal-last"):
        return appraisal_year(appraisal_year_of(today) - (choice == "appraisal-last"))
    if choice != TYPED:
        return Period()
    ends: list[date | None] = []
    for field_id, typed, what in (("from", typed_from, "The from date"), ("to", typed_to, "The to date")):
        try:
            ends.append(parse_optional_date(typed, what))
        except ValueError as problem:
            errors.add(field_id, str(problem))
            ends.append(None)
    since, until = ends
    if since is not None and until is not None and since > until:
        errors.add("from", f"The from date, {long_date(since)}, is after the to date, {long_date(until)}: "
                           "nothing could match")
        return Period()
    return Period(since, until)
