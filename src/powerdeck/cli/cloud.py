"""`powerdeck cloud CARD [-o FILE.svg] [--force]`: a card's word cloud as an SVG picture.

The same picture as `f3` in the app (workbook/cloud_svg.py), written through the export's own
private writer (0600, atomic, never over a file without --force, never into a pipe, a device or
the log); `-o -` writes it to standard output. Without -o it goes to a new file in the home
folder. A card that is not in the deck, has no voices worksheet or no voices yet is one line and
exit status 2; nothing is created, not even a log.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from powerdeck.cli.cards import UnknownCardError
from powerdeck.cli.transfer import write_stdout
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.deck.model import deck_path_from, load_deck
from powerdeck.store import data_dir, free_path, log_path, store_files, write_private_file
from powerdeck.workbook.cloud_svg import to_svg
from powerdeck.workbook.voices import weights

_KINDS = {"map": "a relationship map", "list": "a list", "memo": "a memo", "notes": "notes"}


def run_cloud(args: argparse.Namespace) -> int:
    from powerdeck.store import Log

    deck = load_deck(deck_path_from(getattr(args, "deck", None)))
    card_id = str(args.card_id).strip()
    card = deck.find_card(card_id)
    shown = visible_line(card_id)
    if card is None:
        raise UnknownCardError(
            f'no card "{shown}"; card ids look like {deck.cards[0].id} … {deck.cards[-1].id} '
            '(run "powerdeck cards" to list them)'
        )
    voices_cards = ", ".join(c.id for c in deck.cards if c.worksheet == "voices") or "none in this deck"
    if card.worksheet != "voices":
        kind = _KINDS.get(card.worksheet or "", card.worksheet)
        has = f"its worksheet is {kind}" if kind else "it has no worksheet"
        raise PowerdeckError(f"card {shown} has no voices to draw ({has}); the voices cards: {voices_cards}")
    log_file = log_path(data_dir(getattr(args, "data", None)))
    sheet = None
    if log_file.exists():
        with Log(log_file) as log:
            sheet = log.worksheet(card.id)
    phrases = weights(sheet.text) if sheet is not None and sheet.kind == "voices" else []
    if not phrases:
        raise PowerdeckError(f"card {shown} has no voices yet: open it in the app and press w to type them")
    data = to_svg(phrases, f"{card.id} {card.title}").encode("utf-8")

    output = getattr(args, "output", None)
    if output == "-":
        write_stdout(data, "svg")
        return 0
    if output:
        path = Path(output).expanduser()
        overwrite = bool(getattr(args, "force", False))
    else:
        path = free_path(Path.home(), f"powerdeck-cloud-{card.id}-{date.today().isoformat()}", ".svg")
        overwrite = False
    write_private_file(path, data, overwrite=overwrite, protected=store_files(log_file))
    print(f"Wrote the cloud of {card.id} ({len(phrases)} phrases) to {visible_line(str(path))}")
    return 0
