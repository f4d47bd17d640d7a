"""Command line: `powerdeck` starts the app; `cards`, `export`, `cloud`, `import` and `repair` work
without it.

Every error a user can cause ends as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from powerdeck import __version__
from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.tui.options import ANIMATION_LEVELS

# Images and CI machines often set PYTHONDONTWRITEBYTECODE=1. With an editable install (the
# README's) that compiled every powerdeck module from source at every start: 80-100 ms of a first
# paint of about 500 ms (docs/benchmarks.md). Python caches the app's bytecode as it normally does;
# where it cannot write (a shared install), it skips the cache silently.
sys.dont_write_bytecode = False

EXPORT_FORMATS = ("docx", "markdown", "csv", "json", "ics")
EXPORT_LAYOUTS = ("standard", "nmc")


def _add_common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options that work before or after a subcommand (`powerdeck --data D cards` or `cards --data D`)."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=default,
        help="folder of your review log (default: your user data folder; env POWERDECK_DATA)",
    )
    parser.add_argument(
        "--deck",
        metavar="FILE",
        default=default,
        help="use another deck file of the same format (env POWERDECK_DECK)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="powerdeck",
        description=(
            "The New NHS Alliance power shifting cards, with a private review log book. "
            "Run without a command to open the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"powerdeck {__version__}")
    _add_common_options(parser, suppress=False)
    parser.add_argument(
        "--animation",
        choices=ANIMATION_LEVELS,
        help="card animations (default: full; none over SSH); env TEXTUAL_ANIMATIONS",
    )
    parser.add_argument("--theme", metavar="NAME", help="colour theme (remembered)")
    parser.add_argument(
        "--no-mouse",
        action="store_true",
        help="do not capture the mouse (keeps your terminal's own text selection)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    cards = commands.add_parser("cards", help="print the deck's outline, or one card")
    _add_common_options(cards, suppress=True)
    cards.add_argument("card_id", nargs="?", metavar="ID", help='a card id such as "4.2"')

    _add_export_parser(commands)
    cloud = commands.add_parser(
        "cloud", help="save a card's word cloud (its voices) as an SVG picture",
        description="Save the word cloud of a card's voices (1.3, 5.3, 6.3) as an SVG picture, "
                    "for a slide or a meeting.",
    )
    _add_common_options(cloud, suppress=True)
    cloud.add_argument("card_id", metavar="CARD", help='a card with voices, such as "1.3"')
    cloud.add_argument("-o", "--output", metavar="FILE",
                       help='the .svg file to write, or "-" for standard output '
                            "(default: a new file in your home folder)")
    cloud.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    importer = commands.add_parser("import", help="add the entries of a JSON export to your log")
    _add_common_options(importer, suppress=True)
    importer.add_argument("file", metavar="FILE")
    repair = commands.add_parser(
        "repair", help="accept a review log you changed by hand, after checking it whole",
        description="A log changed outside powerdeck (by hand, or by another tool) no longer matches "
                    "its checksum and is refused. If the change was yours, this checks every entry, "
                    "worksheet and draft and accepts the file, keeping the one before as log.json.bak1.",
    )
    _add_common_options(repair, suppress=True)

    # Parsed by powerdeck.serve.cli (see main); listed here for --help.
    commands.add_parser("serve", help="host the deck for a team over SSH (pip install 'powerdeck[serve]')",
                        add_help=False)
    commands.add_parser("web", help="host the deck for a team in the browser, with sign-in "
                                    "(pip install 'powerdeck[web]')", add_help=False)
    return parser


def _add_export_parser(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write your review log to a file for a review (Word, Markdown, CSV, JSON, a calendar "
             "or your organisation's form)",
        description=(
            "Write your review log to a file. To get it onto your laptop from a server: "
            "ssh -T you@server powerdeck export --format docx -o - > review.docx"
        ),
    )
    _add_common_options(export, suppress=True)
    export.add_argument(
        "--format", choices=EXPORT_FORMATS, default="docx",
        help="docx (Word, the default), markdown, csv (a spreadsheet), json (the exact copy) "
             "or ics (follow-up dates for your calendar)",
    )
    export.add_argument(
        "--capability", type=int, action="append", metavar="N",
        help="only capability N (repeat for several)",
    )
    export.add_argument(
        "--since", metavar="DATE", help="entries from this date (2026-04-01 or 1/4/2026)"
    )
    export.add_argument(
        "--until", metavar="DATE", help="entries up to this date (2027-03-31 or 31/3/2027)"
    )
    period = export.add_mutually_exclusive_group()
    period.add_argument(
        "--year", type=int, metavar="YYYY", help="the calendar year: 1 January to 31 December"
    )
    period.add_argument(
        "--appraisal-year", type=int, metavar="YYYY",
        help="the appraisal (PDR) year from 1 April YYYY to 31 March of the next year",
    )
    export.add_argument(
        "--open", action="store_true", help="only open entries (outcome or learning to write)"
    )
    export.add_argument("--name", help="your name, for the title (default: the one the app remembers)")
    export.add_argument("--role", help="your role, for the title (default: the one the app remembers)")
    export.add_argument(
        "--layout", choices=EXPORT_LAYOUTS, default="standard",
        help="nmc: entries under the NMC reflective account's four prompts (docx, markdown)",
    )
    export.add_argument(
        "--include-private", action="store_true",
        help="put entries marked private into the review pack too (the JSON backup always has them)",
    )
    export.add_argument(
        "--group-by", choices=("capability", "tag"), default="capability",
        help="the pack's sections: capability (the default) or tag",
    )
    export.add_argument(
        "--template", metavar="FORM",
        help='fill your organisation\'s Word form (a .docx with Jinja tags; docs/forms.md), or a '
             'form\'s name; "list" shows the forms there are',
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", help='file to write, or "-" for standard output'
    )
    export.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["serve"]:
        return _serve(arguments[1:])
    if arguments[:1] == ["web"]:
        return _web(arguments[1:])
    args = build_parser().parse_args(arguments)
    try:
        if args.command in ("serve", "web"):
            raise PowerdeckError(f'write "{args.command}" first, with its own options: '
                                 f'powerdeck {args.command} --help')
        if args.command == "cards":
            from powerdeck.cli.cards import run_cards

            return run_cards(args)
        if args.command == "export":
            from powerdeck.cli.transfer import run_export

            return run_export(args)
        if args.command == "cloud":
            from powerdeck.cli.cloud import run_cloud

            return run_cloud(args)
        if args.command == "import":
            from powerdeck.cli.transfer import run_import

            return run_import(args)
        if args.command == "repair":
            from powerdeck.cli.repair import run_repair

            return run_repair(args)
        from powerdeck.tui.launch import run_app

        return run_app(args)
    except PowerdeckError as error:
        print(f"powerdeck: {visible_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _serve(arguments: list[str]) -> int:
    """`powerdeck serve ...`: its own parser, loaded only when asked for (asyncssh is an extra)."""
    return _door("serve", arguments)


def _web(arguments: list[str]) -> int:
    """`powerdeck web ...`: its own parser, loaded only when asked for (the web extra)."""
    return _door("web", arguments)


def _door(name: str, arguments: list[str]) -> int:
    try:
        door = importlib.import_module(f"powerdeck.{name}.cli")
        code: int = door.main(arguments)
        return code
    except PowerdeckError as error:
        print(f"powerdeck {name}: {visible_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
