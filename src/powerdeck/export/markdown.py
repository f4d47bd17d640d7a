"""The review log book as Markdown: it shows exactly what was typed, in any viewer and on GitHub.

User and deck text is escaped so that nothing in it becomes structure or formatting: every
character CommonMark or GitHub could read as markup (`\\`, `` ` ``, `*`, `_`, `[`, `]`, `<`, `>`,
`&`, `|`, `~`, `#`, `$`) gets a backslash, and so does a line start that would begin a list, a
quote, a heading or a rule (`-`, `+`, `=`, `1.`, `1)`). Leading spaces are dropped (four of them
would start a code block; a viewer does not show them anyway). A line break inside a text is kept
as a hard break (two trailing spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from powerdeck.core.entry import FIELD_LABELS, FIELDS, Entry
from powerdeck.export.common import (
    NMC_FOR_YOU,
    NMC_PROMPTS,
    NMC_REMINDER,
    NOT_WRITTEN,
    STILL_TO_COMPLETE,
    DeckLike,
    ExportOptions,
    capability_titles,
    card_title,
    chronological,
    credit_line,
    document_title,
    exported_line,
    group_by_capability,
    missing_fields,
    safe_text,
    who_line,
)
from powerdeck.export.worksheets import WORKBOOK_HEADING, Section, sections
from powerdeck.workbook.model import Worksheet

_INLINE = re.compile(r"([\\`*_\[\]<>&|~#$!])")
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")


def escape_inline(text: str) -> str:
    """One line of text with every markup character backslash-escaped."""
    line = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", line)


def markdown_text(text: str) -> str:
    """User text as a Markdown block that shows the same words and line breaks."""
    text = safe_text(text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return f"_{NOT_WRITTEN}_"
    lines = [escape_inline(line.strip()) for line in text.strip().split("\n")]
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # A hard line break keeps the user's own line breaks in a rendered view.
        out.append(f"{line}  " if line and following else line)
    return "\n".join(out)


def markdown_cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, escaped."""
    return escape_inline(" ".join(safe_text(text).split()))


def to_markdown(entries: Iterable[Entry], deck: DeckLike, options: ExportOptions | None = None,
                worksheets: Iterable[Worksheet] = ()) -> str:
    """Title with the period's both ends, who, the summary table, each capability's entries,
    then the workbook (the worksheets with content)."""
    options = options or ExportOptions(fmt="markdown")
    ordered = chronological(entries)
    titles = capability_titles(deck)
    groups = group_by_capability(ordered, deck, options.capabilities)

    lines = [f"# {markdown_cell(document_title(ordered, options))}", ""]
    who = who_line(options)
    if who:
        lines += [markdown_cell(who), ""]
    lines += [markdown_cell(exported_line(options)), ""]
    lines += ["## Summary", "", "| No. | Capability | Entries | Open |", "|---:|---|---:|---:|"]
    for number, group in groups.items():
        title = markdown_cell(titles.get(number, f"Capability {number}"))
        lines.append(f"| {number} | {title} | {len(group)} | {sum(e.is_open for e in group)} |")
    total_open = sum(entry.is_open for entry in ordered)
    lines += [f"| | **Total** | **{len(ordered)}** | **{total_open}** |", ""]
    if not ordered:
        lines += ["_No entries in this period._", ""]
    if options.layout == "nmc" and ordered:
        lines += [f"> {markdown_cell(NMC_REMINDER)}", ""]

    for number, group in groups.items():
        if not group:
            continue
        lines += [f"## {number}\\. {markdown_cell(titles.get(number, f'Capability {number}'))}", ""]
        for entry in group:
            lines += _entry_lines(entry, deck, options)
    workbook = sections(worksheets, deck)
    if workbook:
        lines += [f"## {WORKBOOK_HEADING}", ""]
        for section in workbook:
            lines += _section_lines(section)
    deck_title, author = credit_line(deck)
    lines += ["---", "", f"The cards are *{markdown_cell(deck_title)}*, by {markdown_cell(author)}."]
    return "\n".join(lines) + "\n"


def _entry_lines(entry: Entry, deck: DeckLike, options: ExportOptions) -> list[str]:
    heading = f"{entry.created_date.isoformat()} · {entry.card} {card_title(deck, entry.card)}"
    lines = [f"### {markdown_cell(heading)}", ""]
    missing = missing_fields(entry)
    if missing:
        lines += [f"_{STILL_TO_COMPLETE.capitalize()}: {' and '.join(missing)}._", ""]
    if options.layout == "nmc":
        for name, prompt in NMC_PROMPTS:
            body = markdown_text(getattr(entry, name)) if name else f"_{NMC_FOR_YOU}_"
            lines += [f"**{markdown_cell(prompt)}**", "", body, ""]
        return lines
    for name in FIELDS:
        lines += [f"**{FIELD_LABELS[name]}**", "", markdown_text(getattr(entry, name)), ""]
    return lines


def _section_lines(section: Section) -> list[str]:
    lines = [f"### {markdown_cell(section.heading)}", "", f"_{section.label}_", ""]
    if section.header:
        lines.append("| " + " | ".join(section.header) + " |")
        lines.append("|" + "|".join("---" for _ in section.header) + "|")
        lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in section.rows]
        return [*lines, ""]
    if section.items:
        return [*lines, *(f"- {markdown_cell(item)}" for item in section.items), ""]
    return [*lines, markdown_text(section.text), ""]
