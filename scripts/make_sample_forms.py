"""Build the two sample Word forms that ship with powerdeck (src/powerdeck/export/forms/).

    .venv/bin/python scripts/make_sample_forms.py

They are ordinary .docx files with Jinja tags typed into them, as an organisation would type
them into its own form in Word (docs/forms.md): `{{ name }}`, `{%p for ... %}` around
paragraphs, `{%tr for ... %}` around a table row. The files are committed; run this again after
changing it. The bytes are made reproducible (fixed zip times), so a rerun changes nothing.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "powerdeck" / "export" / "forms"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _document(title: str) -> Any:
    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(20)
    properties = document.core_properties
    properties.title = title
    properties.author = ""
    properties.language = "en-GB"
    properties.created = properties.modified = datetime(2026, 1, 1)
    properties.revision = 1
    document.add_heading(title, 0)
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, (("Name", "{{ name }}"), ("Role", "{{ role }}"),
                                                  ("Period", "{{ period.start }} to {{ period.end }}")), strict=True):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    return document


def _table(document: Any, header: tuple[str, ...], loop: str, cells: tuple[str, ...]) -> None:
    """A table whose middle row repeats once per item of `loop` (`{%tr for ... %}`)."""
    table = document.add_table(rows=4, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


def _quiet(document: Any, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.italic = True
    run.font.size = Pt(10)


def trust_yearly_review() -> Any:
    document = _document("Yearly appraisal and personal development review")
    _quiet(document, "Filled from the review log book in powerdeck. {{ exported }}")

    document.add_heading("1. Review against our values", 1)
    _quiet(document, "What you did this year, by the value (tag) you gave it.")
    document.add_paragraph("{%p for t in by_tag %}")
    document.add_heading("{{ t.tag }} ({{ t.count }} {% if t.count == 1 %}entry{% else %}entries{% endif %})", 2)
    document.add_paragraph("{%p for e in t.entries %}")
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run("{{ e.card }} {{ e.card_title }}: ").bold = True
    paragraph.add_run("{{ e.action }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("2. Last year's objectives and how well they were met", 1)
    _quiet(document, "Each action, what came of it and what was learnt, with when it was written.")
    _table(document, ("Card", "What I did", "What happened", "What I learnt", "Written"), "e in entries",
           ("{{ e.card }} {{ e.card_title }}", "{{ e.action }}", "{{ e.outcome }}", "{{ e.learning }}",
            "{{ e.written }}"))

    document.add_heading("3. Evidence of continuing professional development", 1)
    document.add_paragraph("Time recorded in this period: {% if total_hours %}{{ total_hours }} hours"
                           "{% else %}none recorded{% endif %}.")
    _table(document, ("Capability", "Entries", "Hours"), "c in by_capability",
           ("{{ c.number }}. {{ c.title }}", "{{ c.count }}", "{{ c.hours_text }}"))

    document.add_heading("4. Next year's objectives", 1)
    _quiet(document, "The actions still open, with the date to come back to each.")
    _table(document, ("Objective", "From card", "By"), "e in open_entries",
           ("{{ e.action }}", "{{ e.card }} {{ e.card_title }}", "{{ e.follow_up }}"))

    document.add_heading("5. Signed", 1)
    document.add_paragraph("Appraisee: ______________________   Date: __________")
    document.add_paragraph("Appraiser: ______________________   Date: __________")
    return document


def council_values_conversation() -> Any:
    document = _document("Values conversation")
    _quiet(document, "Prepared from the review log book in powerdeck. {{ exported }}")

    document.add_heading("How you demonstrated our values", 1)
    document.add_paragraph("{%p for t in by_tag %}")
    document.add_heading("{{ t.tag }}", 2)
    document.add_paragraph("{%p for e in t.entries %}")
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run("{{ e.action }}")
    paragraph.add_run("{% if e.outcome %} — {{ e.outcome }}{% endif %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("What insight you gained", 1)
    document.add_paragraph("{%p for e in entries %}")
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run("{{ e.card_title }}: ").bold = True
    paragraph.add_run("{% if e.learning %}{{ e.learning }}{% else %}(still to write){% endif %}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("Barriers and how you overcame them", 1)
    _table(document, ("What you set out to do", "What happened"), "e in entries",
           ("{{ e.action }}", "{{ e.outcome }}"))

    document.add_heading("Looking ahead", 1)
    document.add_paragraph("{%p for e in open_entries %}")
    document.add_paragraph("{{ e.action }}{% if e.follow_up %} (by {{ e.follow_up }}){% endif %}",
                           style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    return document


def save(document: Any, path: Path) -> None:
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    path.write_bytes(out.getvalue())


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("trust-yearly-review", trust_yearly_review),
                        ("council-values-conversation", council_values_conversation)):
        save(build(), OUT / f"{name}.docx")
        print(f"wrote {OUT / f'{name}.docx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
