"""The packs a manager reads without the deck, the calendar of follow-ups and private entries:
each read back with its own reader (icalendar, python-docx, CommonMark, csv, json)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import docx
import pytest
from icalendar import Calendar

from powerdeck.core.entry import Entry
from powerdeck.deck.model import load_deck
from powerdeck.export import ExportOptions, default_export_path, export_bytes, file_stem, parse_json_export
from powerdeck.export.pack_context import card_prompt
from powerdeck.workbook.model import Person, Worksheet

DECK = load_deck()
FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
YEAR = dict(since=date(2026, 4, 1), until=date(2027, 3, 31), exported=FIXED, name="Sam Jones")


def entry(n: int, card: str, action: str, *, outcome: str = "", learning: str = "",
          created: str = "2026-05-01T09:00:00+01:00", updated: str | None = None, **extras: object) -> Entry:
    return Entry.from_dict({"id": f"e{n:03d}", "card": card, "capability": int(card.split(".")[0]),
                            "action": action, "outcome": outcome, "learning": learning,
                            "created": created, "updated": updated or created, **extras})


SECRET = "Confidential: the grievance about the ward manager"
ENTRIES = [
    entry(1, "4.2", "Met <Ward 7> & the PCN lead", follow_up="2027-02-28", tags=["Compassion"], hours=2),
    entry(2, "9.2", "Counted what matters", follow_up="2028-02-29", hours=1.5),  # a leap day
    entry(3, "1.1", "Walked with a carer", outcome="They showed me the food bank", learning="Ask first",
          updated="2026-09-03T10:00:00+01:00", reflected="2026-09-03T10:00:00+01:00", follow_up="2026-10-01"),
    entry(4, "1.3", SECRET, private=True, follow_up="2027-07-01", tags=["HR"]),
    entry(5, "6.1", "Summer visit", follow_up="2027-07-15"),  # UK summer time
]


def calendar(entries: list[Entry] = ENTRIES, **changes: object) -> Calendar:
    data = export_bytes(entries, DECK, ExportOptions(fmt="ics", **{"exported": FIXED, **changes}))
    return Calendar.from_ical(data)


# ----------------------------------------------------------------------------- the calendar

def test_one_event_with_an_alarm_per_open_entry_with_a_follow_up() -> None:
    events = calendar().events
    assert [event["UID"] for event in events] == [
        "e001@powerdeck.invalid", "e004@powerdeck.invalid", "e005@powerdeck.invalid", "e002@powerdeck.invalid"]
    first = events[0]
    assert str(first["SUMMARY"]) == f"Follow up: card 4.2 {DECK.card('4.2').title}"
    assert str(first["DESCRIPTION"]).startswith("Met <Ward 7> & the PCN lead\n")
    assert [str(c) for c in first.categories] == ["Compassion"]
    for event in events:
        assert [alarm.name for alarm in event.subcomponents] == ["VALARM"]
        alarm = event.subcomponents[0]
        assert alarm["ACTION"] == "DISPLAY" and alarm["TRIGGER"].dt == -timedelta(minutes=15)
        assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])


def test_a_closed_entry_gets_no_event_and_a_private_one_is_marked_private() -> None:
    uids = {str(event["UID"]): event for event in calendar().events}
    assert "e003@powerdeck.invalid" not in uids  # outcome and learning written
    assert uids["e004@powerdeck.invalid"]["CLASS"] == "PRIVATE"
    assert "CLASS" not in uids["e001@powerdeck.invalid"]


def test_uids_are_stable_across_two_exports() -> None:
    first = [str(event["UID"]) for event in calendar().events]
    moved = [e if e.id != "e001" else entry(1, "4.2", "Changed the action", follow_up="2027-03-03") for e in ENTRIES]
    second = [str(event["UID"]) for event in calendar(moved, exported=FIXED + timedelta(days=3)).events]
    assert sorted(first) == sorted(second)
    assert calendar().to_ical() == calendar().to_ical()  # the same export, the same bytes


def test_a_follow_up_on_29_february_and_a_summer_date_in_uk_time() -> None:
    by_uid = {str(event["UID"]): event for event in calendar().events}
    leap = by_uid["e002@powerdeck.invalid"].start
    assert (leap.year, leap.month, leap.day, leap.hour) == (2028, 2, 29, 9)
    summer = by_uid["e005@powerdeck.invalid"].start
    assert summer.tzinfo is not None and summer.utcoffset() == timedelta(hours=1)  # BST
    assert summer.astimezone(timezone.utc).hour == 8
    winter = by_uid["e001@powerdeck.invalid"].start
    assert winter.utcoffset() == timedelta(0)
    assert summer == datetime(2027, 7, 15, 9, tzinfo=ZoneInfo("Europe/London"))


def test_a_calendar_without_follow_ups_is_still_a_calendar() -> None:
    assert calendar([ENTRIES[2]]).events == []


# ----------------------------------------------------------------------- private entries

@pytest.mark.parametrize("fmt", ["docx", "markdown", "csv"])
def test_private_entries_are_absent_from_every_pack(fmt: str) -> None:
    data = export_bytes(ENTRIES, DECK, ExportOptions(fmt=fmt, **YEAR))
    text = _text(fmt, data)
    assert "grievance" not in text and "HR" not in text
    assert "Met <Ward 7> & the PCN lead" in text.replace("\\", "")
    shared = export_bytes(ENTRIES, DECK, ExportOptions(fmt=fmt, include_private=True, **YEAR))
    assert "grievance" in _text(fmt, shared)


def test_a_private_entry_is_absent_from_a_filled_form_too() -> None:
    from powerdeck.export.form_context import form_context

    context = form_context(ENTRIES, DECK, ExportOptions(**YEAR))
    assert "grievance" not in json.dumps(context)
    assert "grievance" in json.dumps(form_context(ENTRIES, DECK, ExportOptions(include_private=True, **YEAR)))


def test_the_json_backup_keeps_everything() -> None:
    data = export_bytes(ENTRIES, DECK, ExportOptions(fmt="json", **YEAR))
    document = json.loads(data)
    assert document["schema_version"] == 3
    assert all({"follow_up", "private", "tags", "hours"} <= set(raw) for raw in document["entries"])
    assert {entry.id: entry for entry in parse_json_export(data.decode())} == {entry.id: entry for entry in ENTRIES}


def _text(fmt: str, data: bytes) -> str:
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return data.decode()


# ---------------------------------------------------------------- the Word pack, read back

SHEETS = [
    Worksheet("1.2", "map", people=(Person("p1", "GP lead", "close", "strong", "statutory", False),),
              updated="2026-06-01T10:00:00+01:00"),
    Worksheet("1.3", "voices", text="Safer streets\nSafer streets\ngreen space", updated="2026-07-01T10:00:00+01:00"),
    Worksheet("8.1", "memo", text="Last year's memo", updated="2026-01-01T10:00:00+00:00"),  # before the period
]


def word(**changes: object) -> docx.document.Document:
    options = ExportOptions(fmt="docx", **{**YEAR, **changes})
    return docx.Document(io.BytesIO(export_bytes(ENTRIES, DECK, options, SHEETS)))


def test_each_entry_shows_what_the_card_asked_and_both_dates() -> None:
    texts = [p.text for p in word().paragraphs]
    heading = next(i for i, text in enumerate(texts) if "1.1 " in text and "2026" in text)
    assert texts[heading + 1] == card_prompt(DECK, "1.1") == DECK.card("1.1").paragraphs[0]
    assert texts[heading + 2] == "Written 1 May 2026; outcome or learning last changed 3 September 2026"
    asks = next(i for i, text in enumerate(texts) if "1.2" not in text and "4.2 " in text)
    assert "?" in texts[asks + 1]  # 4.2 asks questions: those, not its first paragraph
    assert "Written 1 May 2026; outcome and learning not yet written" in texts
    assert "Follow up by 28 February 2027" in texts and "Time spent: 2 hours" in texts


def test_the_prompt_is_in_a_quieter_style() -> None:
    document = word()
    prompt = next(p for p in document.paragraphs if p.text == DECK.card("1.1").paragraphs[0])
    run = prompt.runs[0]
    assert run.italic and run.font.size.pt == 10 and str(run.font.color.rgb) == "595959"


def test_the_period_carries_the_workbook_made_in_it() -> None:
    document = word()
    texts = [p.text for p in document.paragraphs]
    assert "Workbook" in texts
    assert f"1.2 {DECK.card('1.2').title}" in texts and f"1.3 {DECK.card('1.3').title}" in texts
    assert "Last year's memo" not in "\n".join(texts)  # changed before the period
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["GP lead", "close", "strong", "statutory", ""] in cells
    assert ["Safer streets", "2", "", ""] in cells


def test_hours_are_totalled_per_capability_and_for_the_period() -> None:
    rows = [[cell.text for cell in row.cells] for row in word().tables[0].rows]
    assert rows[0] == ["No.", "Capability", "Entries", "Open", "Hours"]
    assert rows[4][0] == "4" and rows[4][4] == "2"
    assert rows[-1] == ["", "Total", "4", "3", "3.5"]


def test_grouped_by_tag() -> None:
    document = word(group_by="tag")
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0][1] == "Tag"
    assert [row[1] for row in rows[1:]] == ["Compassion", "No tag", "Total"]


def test_page_numbers_language_and_no_lonely_credit() -> None:
    data = export_bytes(ENTRIES, DECK, ExportOptions(fmt="docx", **YEAR), SHEETS)
    document = docx.Document(io.BytesIO(data))
    footer = document.sections[0].footer.paragraphs[0]
    instructions = [node.text.strip() for node in footer._p.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text == "Page 1 of 1"  # Word replaces the numbers as it lays out the pages
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in styles
    assert document.core_properties.language == "en-GB"
    before_credit = document.paragraphs[-2]
    assert document.paragraphs[-1].text.startswith("The cards are")
    assert before_credit.paragraph_format.keep_with_next


def test_contents_only_past_three_pages() -> None:
    short = [p.text for p in word().paragraphs]
    assert "Contents" not in short
    long = [entry(n, "2.1", "A long reflection. " * 400) for n in range(10, 14)]
    document = docx.Document(io.BytesIO(export_bytes(long, DECK, ExportOptions(fmt="docx", **YEAR))))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Contents") < texts.index("Summary")
    xml = document.element.xml
    assert 'TOC \\o "1-1"' in xml


def test_the_file_name_says_the_period() -> None:
    assert file_stem("docx", date(2026, 4, 1), date(2027, 3, 31)) == "review-2026-27"
    assert file_stem("docx", date(2026, 1, 1), date(2026, 12, 31)) == "review-2026"
    assert file_stem("markdown", date(2026, 5, 1), date(2026, 7, 31)) == "review-2026-05-01-to-2026-07-31"
    assert file_stem("docx", today=date(2026, 12, 5)) == "powerdeck-log-2026-12-05"
    assert file_stem("ics", today=date(2026, 12, 5)) == "powerdeck-follow-ups-2026-12-05"


def test_the_default_path_never_overwrites(tmp_path) -> None:
    first = default_export_path("docx", tmp_path, since=date(2099, 4, 1), until=date(2100, 3, 31))
    assert first.name == "review-2099-00.docx"
    first.write_bytes(b"x")
    assert default_export_path("docx", tmp_path, since=date(2099, 4, 1), until=date(2100, 3, 31)).name \
        == "review-2099-00-2.docx"


def test_a_credit_after_a_table_keeps_with_its_last_row() -> None:
    sheets = [Worksheet("1.3", "voices", text="Safer streets", updated="2026-07-01T10:00:00+01:00")]
    document = docx.Document(io.BytesIO(export_bytes([], DECK, ExportOptions(fmt="docx", **YEAR), sheets)))
    last_row = document.tables[-1].rows[-1]
    assert all(p.paragraph_format.keep_with_next for cell in last_row.cells for p in cell.paragraphs)
    assert document.paragraphs[-1].text.startswith("The cards are")
