"""Hypothesis strategies for every stored field, built from the one definition (core/fields.py):
an entry, a worksheet, a draft, a deck card id. Valid values come from the rules; `hostile_*`
values mix in what a file can carry (control characters, bidi overrides, odd digits)."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from powerdeck.core.entry import Entry
from powerdeck.core.fields import MAX_CAPABILITY, WORKSHEET_KINDS
from powerdeck.core.follow_up import check_tag
from powerdeck.workbook.model import QUALITIES, RINGS, SECTORS, Person, Worksheet

NASTY_CHARS = ["\x1b", "\x1b[2J", "\x1b]0;pwned\x07", "\x07", "\x00", "\x9b", "\x85", "\u202e", "\u2066",
               "\u2028", "\r", "\t", "\n", "[b]", "[/]", "²", "١", "😀", "\ud800", "\x7f", "\u200b"]
text = st.text(max_size=40) | st.lists(st.sampled_from(NASTY_CHARS) | st.text(max_size=4), max_size=8).map("".join)
"""Text a person or a file may hold: any of it must be kept exactly and shown inert."""

ids = st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True)
capabilities = st.integers(1, MAX_CAPABILITY)
card_ids = st.builds(lambda head, tail: f"{head}.{tail}", capabilities, st.integers(0, 999))
timestamps = st.builds(
    lambda year, month, day, hour, offset: f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:00:00{offset}",
    st.integers(1900, 9999), st.integers(1, 12), st.integers(1, 28), st.integers(0, 23),
    st.sampled_from(["+00:00", "+05:30", "-08:00", "Z"]))
HOSTILE_CARD_IDS = ["².1", "1.²", "١.1", "1.x y", "1.\u200b1", "1." + "x" * 40, "1.\x1b[2J", "1.\u202e1",
                    "1.1 ", "01.1", "1.", ".1", "1.1.1", "1000.1", "0.1", "1.1234", "1.a"]
card_id_like = card_ids | st.sampled_from(HOSTILE_CARD_IDS)


def _is_tag(value: str) -> bool:
    try:
        check_tag(value)
    except ValueError:
        return False
    return True


tags = st.lists(st.text(min_size=1, max_size=12).filter(_is_tag), max_size=3, unique_by=str.casefold).map(tuple)
"""Tags an entry may hold: no tag twice, ignoring case (check_tags refuses ("U", "u"))."""
follow_ups = st.just("") | st.dates(date(1900, 1, 1), date(9999, 12, 31)).map(date.isoformat)
hours = st.none() | st.integers(0, 4000).map(lambda quarters: quarters / 4)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    card = draw(card_ids)
    return Entry(id=draw(ids), card=card, capability=int(card.split(".")[0]), action=draw(text),
                 outcome=draw(text), learning=draw(text), created=draw(timestamps), updated=draw(timestamps),
                 follow_up=draw(follow_ups), private=draw(st.booleans()), tags=draw(tags), hours=draw(hours))


people = st.builds(Person, id=ids, name=text, ring=st.sampled_from(RINGS), quality=st.sampled_from(QUALITIES),
                   sector=st.sampled_from(SECTORS), missing=st.booleans())
worksheets = st.builds(
    Worksheet, card=card_ids, kind=st.sampled_from(WORKSHEET_KINDS), text=text,
    people=st.lists(people, max_size=3, unique_by=lambda p: p.id).map(tuple), draft=text,
    updated=st.just("") | timestamps)
