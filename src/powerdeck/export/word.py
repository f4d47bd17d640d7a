"""The review log book as a Word document (.docx), the file a manager opens for a PDR.

Built with python-docx on its default template: the Title style for the title, real Heading 1
(Summary, each capability) and Heading 2 (each entry) styles, so Word's navigation pane and
table of contents work; the summary is a real table; A4 with 2 cm margins.

Text comes out exactly as typed (any script; a line break in a field is a Word line break),
except characters an XML file cannot hold at all: a control character is written as its visible
picture (ESC as ␛) and a lone surrogate as U+FFFD. A paragraph whose text starts in a
right-to-left script is marked right-to-left, so Arabic or Hebrew reads the right way in Word.

The bytes are reproducible: every part of the zip gets the same fixed time and the document's
created/modified time is the export's own (`ExportOptions.when`), so `-o FILE` and `-o -` of the
same export are the same file.

This module lays the pack out; word_xml.py writes its XML (text a .docx can hold, runs, fields,
tables, the reproducible zip).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement  # type: ignore[import-untyped]  # lxml ships no type hints (python-docx depends on it)

from powerdeck.core.dates import long_date
from powerdeck.core.entry import FIELD_LABELS, FIELDS, Entry
from powerdeck.core.follow_up import hours_text
from powerdeck.export.common import (
    NMC_FOR_YOU,
    NMC_PROMPTS,
    NMC_REMINDER,
    NOT_WRITTEN,
    STILL_TO_COMPLETE,
    DeckLike,
    ExportOptions,
    card_title,
    chronological,
    credit_line,
    document_title,
    exported_line,
    missing_fields,
)
from powerdeck.export.pack_context import Group, Prompts, dates_line, details_lines, pack_groups, total_hours
from powerdeck.export.word_xml import (
    W_BR,
    W_PPR,
    W_R,
    W_RPR,
    W_RTL,
    W_T,
    XML_SPACE,
    DocWriter,
    add_heading,
    add_paragraph,
    add_run,
    field_run,
    grid,
    reproducible,
    word_text,
)
from powerdeck.export.worksheets import WORKBOOK_HEADING, Section, sections
from powerdeck.workbook.model import Worksheet

__all__ = ["estimated_pages", "to_docx"]


def to_docx(entries: Iterable[Entry], deck: DeckLike, options: ExportOptions | None = None,
            worksheets: Iterable[Worksheet] = ()) -> bytes:
    """The review log book as the bytes of a .docx file (the workbook after the entries)."""
    options = options or ExportOptions()
    ordered = chronological(entries)
    groups = pack_groups(ordered, deck, options)
    title = document_title(ordered, options)
    workbook = sections(worksheets, deck)
    prompts = Prompts(deck)

    document = Document()
    _page_setup(document)
    _language(document)
    _page_numbers(document)
    doc = DocWriter(document)
    properties = document.core_properties
    properties.title = word_text(title)
    properties.author = word_text(options.name.strip())
    properties.language = LANGUAGE
    properties.last_modified_by = ""
    properties.created = properties.modified = options.when.replace(tzinfo=None)
    properties.revision = 1

    add_heading(doc, title, 0)
    if options.name.strip():
        _labelled(doc, "Name", options.name.strip())
    if options.role.strip():
        _labelled(doc, "Role", options.role.strip())
    _labelled(doc, "Period", title.removeprefix("Review log book: "))
    add_paragraph(doc, exported_line(options), italic=True)
    headings = ["Summary", *(group.heading for group in groups if group.entries)]
    if workbook:
        headings.append(WORKBOOK_HEADING)
    if estimated_pages(ordered, workbook) > 3:
        _contents(doc, headings)

    add_heading(doc, "Summary", 1)
    _summary_table(doc, groups, ordered, by_tag=options.group_by == "tag")
    if not ordered:
        add_paragraph(doc, "No entries in this period.", italic=True)
    if options.layout == "nmc" and ordered:
        add_paragraph(doc, NMC_REMINDER, bold=True)

    for group in groups:
        if not group.entries:
            continue
        add_heading(doc, group.heading, 1)
        for entry in group.entries:
            _entry(doc, entry, deck, options, prompts)
    if workbook:
        add_heading(doc, WORKBOOK_HEADING, 1)
        for section in workbook:
            _section(doc, section)

    # The closing credit never stands alone on a last page: what comes before keeps with it.
    last = doc.body[-1] if len(doc.body) else None
    if last is not None and last.tag == qn("w:p"):
        Paragraph(last, document._body).paragraph_format.keep_with_next = True
    elif last is not None and last.tag == qn("w:tbl"):  # a workbook table: its last row keeps with it
        for cell_paragraph in last.tr_lst[-1].iter(qn("w:p")):
            Paragraph(cell_paragraph, document._body).paragraph_format.keep_with_next = True
    deck_title, author = credit_line(deck)
    closing = doc.paragraph()
    closing.paragraph_format.space_before = Pt(18)
    add_run(closing, "The cards are ")
    add_run(closing, deck_title, italic=True)
    add_run(closing, f", by {author}.")
    doc.finish()
    return reproducible(document)


LANGUAGE = "en-GB"
CHARS_PER_PAGE = 2_800
"""About what an A4 page with 2 cm margins holds in Word's default 11 pt, headings included."""

def estimated_pages(entries: Sequence[Entry], workbook: Sequence[Section]) -> float:
    """Roughly how many pages the pack runs to (a contents list is added past three)."""
    chars = sum(len(entry.action) + len(entry.outcome) + len(entry.learning) + 400 for entry in entries)
    chars += sum(len(section.text) + 60 * (len(section.rows) + len(section.items)) + 200 for section in workbook)
    return 1 + chars / CHARS_PER_PAGE


def _language(document: Any) -> None:
    """The document's language is UK English: Word's spelling and a screen reader's voice follow it."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = SubElement(styles, qn("w:docDefaults"))
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = SubElement(defaults, qn("w:rPrDefault"))
    run_properties = run_defaults.find(qn("w:rPr"))
    if run_properties is None:
        run_properties = SubElement(run_defaults, qn("w:rPr"))
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = SubElement(run_properties, qn("w:lang"))
    language.set(qn("w:val"), LANGUAGE)


def _page_numbers(document: Any) -> None:
    """ "Page 3 of 7" at the foot of every page (Word fills in the numbers as it lays out)."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(paragraph, "Page ")
        field_run(paragraph, "PAGE", "1")
        add_run(paragraph, " of ")
        field_run(paragraph, "NUMPAGES", "1")


def _contents(doc: DocWriter, headings: list[str]) -> None:
    """A contents list: Word's own table of contents (its page numbers come with Word's "Update
    field"), showing the section headings until then, so it reads even before."""
    add_paragraph(doc, "Contents", "Heading 1")
    paragraph = doc.paragraph()
    field_run(paragraph, 'TOC \\o "1-1" \\h \\z \\u', "")
    # The field's shown text is the list of sections, one per line.
    shown = paragraph._p.findall(qn("w:r"))[3]
    for child in list(shown):
        shown.remove(child)
    for index, heading in enumerate(headings):
        if index:
            SubElement(shown, W_BR)
        element = SubElement(shown, W_T)
        element.text = word_text(heading)
        element.set(XML_SPACE, "preserve")


def _page_setup(doc: Any) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)


def _labelled(doc: DocWriter, label: str, value: str) -> None:
    paragraph = doc.paragraph()
    add_run(paragraph, f"{label}: ", bold=True)
    add_run(paragraph, value)


def _summary_table(doc: DocWriter, groups: list[Group], ordered: list[Entry], *, by_tag: bool) -> None:
    """Entries and open ones per group, with the hours where any entry gives them; a total row."""
    with_hours = total_hours(ordered) is not None
    header = ["No.", "Tag" if by_tag else "Capability", "Entries", "Open"] + (["Hours"] if with_hours else [])
    rows = []
    for group in groups:
        row = [group.number, group.title, str(len(group.entries)), str(sum(e.is_open for e in group.entries))]
        if with_hours:
            row.append(hours_text(total_hours(group.entries)) or "0")
        rows.append(tuple(row))
    total = ["", "Total", str(len(ordered)), str(sum(entry.is_open for entry in ordered))]
    if with_hours:
        total.append(hours_text(total_hours(ordered)))
    widths = (Mm(14), Mm(90), Mm(22), Mm(22), Mm(22)) if with_hours else (Mm(14), Mm(112), Mm(22), Mm(22))
    grid(doc, tuple(header), [*rows, tuple(total)], widths=widths, numeric=frozenset({0, 2, 3, 4}),
          bold_last=True)


def _entry(doc: DocWriter, entry: Entry, deck: DeckLike, options: ExportOptions, prompts: Prompts) -> None:
    missing = missing_fields(entry)
    private = " (private)" if entry.private else ""
    add_heading(doc, f"{long_date(entry.created_date)} · {entry.card} {card_title(deck, entry.card)}{private}", 2)
    prompt = prompts(entry.card)
    if prompt:
        _quiet(doc, prompt)
    _quiet(doc, dates_line(entry))
    for line in details_lines(entry):
        _quiet(doc, line)
    if missing:
        add_paragraph(doc, f"{STILL_TO_COMPLETE.capitalize()}: {' and '.join(missing)}.", italic=True)
    if options.layout == "nmc":
        for name, prompt in NMC_PROMPTS:
            add_paragraph(doc, prompt, bold=True)
            _field(doc, getattr(entry, name) if name else "", NMC_FOR_YOU)
        return
    for name in FIELDS:
        add_paragraph(doc, FIELD_LABELS[name], bold=True).paragraph_format.keep_with_next = True
        _field(doc, getattr(entry, name), NOT_WRITTEN)


QUIET = RGBColor(0x59, 0x59, 0x59)
"""Grey that still passes WCAG AA contrast on white (7:1)."""


def _quiet(doc: DocWriter, text: str) -> None:
    """What the card asked, the dates: in a quieter style (grey, 10 pt, italic) under the entry's
    title, kept with what follows. Built as XML, as add_run is: python-docx's font API re-scans
    the run for each property (it tripled the time of a 1,000-entry pack)."""
    paragraph = doc.paragraph()
    properties = SubElement(paragraph._p, W_PPR)
    SubElement(properties, qn("w:keepNext"))
    add_run(paragraph, text, italic=True)
    for run in paragraph._p.findall(W_R):
        run_properties = run.find(W_RPR)
        if run_properties is None:
            run_properties = SubElement(run, W_RPR)
            run.insert(0, run_properties)
        right_to_left = run_properties.find(W_RTL)
        if right_to_left is not None:  # the schema's order: color and size come before rtl
            run_properties.remove(right_to_left)
        SubElement(run_properties, qn("w:color")).set(qn("w:val"), str(QUIET))
        SubElement(run_properties, qn("w:sz")).set(qn("w:val"), "20")
        if right_to_left is not None:
            run_properties.append(right_to_left)


def _field(doc: DocWriter, text: str, empty: str) -> None:
    if text.strip():
        add_paragraph(doc, text)
    else:
        add_paragraph(doc, empty[:1].upper() + empty[1:], italic=True)


def _section(doc: DocWriter, section: Section) -> None:
    add_heading(doc, section.heading, 2)
    add_paragraph(doc, section.label, italic=True).paragraph_format.keep_with_next = True
    if section.header:
        grid(doc, section.header, section.rows)
    elif section.items:
        for item in section.items:
            add_paragraph(doc, item, "List Bullet")
    else:
        add_paragraph(doc, section.text.strip("\n"))
