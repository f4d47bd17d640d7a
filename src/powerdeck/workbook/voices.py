"""Voices: the words and phrases people said about a place, one a line, and their patterns.

A line is a phrase, optionally followed by "|" and who said it as a role ("safer streets | young
carer"). A repeat adds weight. Phrases are grouped without regard to case or spacing, and the
group shows the spelling the person typed most often (the first one on a tie). The phrases said
least, when others were said more, are the "small voices" card 1.3 asks about: never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_MARK = "|"


@dataclass(frozen=True)
class Voice:
    text: str
    role: str = ""


@dataclass(frozen=True)
class Phrase:
    text: str
    """As the person spelled it (their most used spelling)."""
    count: int
    roles: tuple[str, ...]
    """Who said it, as roles, in the order first given (each once)."""
    first: int
    """Position of its first line: keeps the order stable on ties."""


def parse_voices(text: str) -> list[Voice]:
    voices = []
    for line in text.splitlines():
        phrase, mark, role = line.rpartition(ROLE_MARK) if ROLE_MARK in line else (line, "", "")
        phrase = phrase.strip()
        if phrase:
            voices.append(Voice(phrase, role.strip() if mark else ""))
    return voices


def group_key(text: str) -> str:
    return " ".join(text.casefold().split())


def group(voices: list[Voice]) -> list[Phrase]:
    """The phrases, most repeated first (ties: in the order first said)."""
    spellings: dict[str, dict[str, int]] = {}
    roles: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for position, voice in enumerate(voices):
        key = group_key(voice.text)
        if not key:
            continue
        first.setdefault(key, position)
        counts = spellings.setdefault(key, {})
        counts[voice.text] = counts.get(voice.text, 0) + 1
        said_by = roles.setdefault(key, [])
        if voice.role and voice.role not in said_by:
            said_by.append(voice.role)
    phrases = []
    for key, counts in spellings.items():
        spelling = max(counts, key=counts.__getitem__)  # max keeps the first on a tie: dicts are ordered
        phrases.append(Phrase(spelling, sum(counts.values()), tuple(roles[key]), first[key]))
    phrases.sort(key=lambda phrase: (-phrase.count, phrase.first))
    return phrases


def small_voices(phrases: list[Phrase]) -> list[Phrase]:
    """The phrases said least, when some were said more (all equal: no small voices)."""
    if not phrases:
        return []
    least = min(phrase.count for phrase in phrases)
    if least == max(phrase.count for phrase in phrases):
        return []
    return [phrase for phrase in phrases if phrase.count == least]


def weights(text: str) -> list[Phrase]:
    return group(parse_voices(text))
