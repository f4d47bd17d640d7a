"""The review log book as Markdown: it shows exactly what was typed, in any viewer and on GitHub.

User and deck text is escaped so that nothing in it becomes structure or formatting: every
character CommonMark or GitHub could read as markup (`\\`, `` ` ``, `*`, `_`, `[`, `]`, `<`, `>`,
`&`, `|`, `~`, `#`, `$`) gets a backslash, and so does a line start that would begin a list, a
quote, a heading or a rule (`-`, `+`, `=`, `1.`, `1)`). Leading spaces are dropped (four of them
would start a code block; a viewer does not show them anyway). A line break inside a text is kept
as a hard break (two trailing spaces). A control character (ESC, BEL, NUL, C1) is written as its
visible picture (ESC as ␛), as in the Word export, so the file is safe to `cat`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from powerdeck.core.entry import FIELD_LABELS, FIELDS, Entry
from powerdeck.core.follow_up import hours_text
from powerdeck.core.text import visible_file
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
    safe_text,
    who_line,
)
from powerdeck.export.pack_context import Group, Prompts, dates_line, details_lines, pack_groups, total_hours
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
    groups = pack_groups(ordered, deck, options)
    prompts = Prompts(deck)

    lines = [f"# {markdown_cell(document_title(ordered, options))}", ""]
    who = who_line(options)
    if who:
        lines += [markdown_cell(who), ""]
    lines += [markdown_cell(exported_line(options)), ""]
    lines += _summary_lines(groups, ordered, by_tag=options.group_by == "tag")
    if not ordered:
        lines += ["_No entries in this period._", ""]
    if options.layout == "nmc" and ordered:
        lines += [f"> {markdown_cell(NMC_REMINDER)}", ""]

    for group in groups:
        if not group.entries:
            continue
        number = f"{group.number}\\. " if group.number else ""
        lines += [f"## {number}{markdown_cell(group.title)}", ""]
        for entry in group.entries:
            lines += _entry_lines(entry, deck, options, prompts)
    workbook = sections(worksheets, deck)
    if workbook:
        lines += [f"## {WORKBOOK_HEADING}", ""]
        for section in workbook:
            lines += _section_lines(section)
    deck_title, author = credit_line(deck)
    lines += ["---", "", f"The cards are *{markdown_cell(deck_title)}*, by {markdown_cell(author)}."]
    # The last step, over the whole file: `cat review.md` shows a control character, never obeys it.
    return visible_file("\n".join(lines) + "\n")


def _summary_lines(groups: list[Group], ordered: list[Entry], *, by_tag: bool) -> list[str]:
    with_hours = total_hours(ordered) is not None
    hours_head, hours_rule = (" Hours |", "---:|") if with_hours else ("", "")
    lines = ["## Summary", "", f"| No. | {'Tag' if by_tag else 'Capability'} | Entries | Open |{hours_head}",
             f"|---:|---|---:|---:|{hours_rule}"]
    for group in groups:
        hours = f" {hours_text(total_hours(group.entries)) or '0'} |" if with_hours else ""
        lines.append(f"| {group.number} | {markdown_cell(group.title)} | {len(group.entries)} | "
                     f"{sum(e.is_open for e in group.entries)} |{hours}")
    total_open = sum(entry.is_open for entry in ordered)
    hours = f" **{hours_text(total_hours(ordered))}** |" if with_hours else ""
    return [*lines, f"| | **Total** | **{len(ordered)}** | **{total_open}** |{hours}", ""]


def _entry_lines(entry: Entry, deck: DeckLike, options: ExportOptions, prompts: Prompts) -> list[str]:
    private = " (private)" if entry.private else ""
    heading = f"{entry.created_date.isoformat()} · {entry.card} {card_title(deck, entry.card)}{private}"
    lines = [f"### {markdown_cell(heading)}", ""]
    prompt = prompts(entry.card)
    quiet = [prompt] if prompt else []
    quiet += [dates_line(entry), *details_lines(entry)]
    lines += ["  \n".join(f"_{markdown_cell(line)}_" for line in quiet), ""]
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
