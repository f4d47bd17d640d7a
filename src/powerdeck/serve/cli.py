"""The `serve` subcommand's arguments: run the server, or manage its people and invites."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from datetime import timezone
from pathlib import Path

import platformdirs

from powerdeck.core.errors import PowerdeckError

ENV_STATE = "POWERDECK_SERVE_STATE"
NEW_PERSON_WAIT = 10.0
"""Seconds for a replaced person's running sessions to end (the server's stop grace and more)."""


def default_state() -> Path:
    env = os.environ.get(ENV_STATE)
    return Path(env).expanduser() if env else Path(platformdirs.user_state_dir("powerdeck-serve", appauthor=False))


def _state_option(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    parser.add_argument(
        "--state", metavar="DIR", type=Path, default=argparse.SUPPRESS if suppress else None,
        help=f"the server's folder: host key, people, their logs (env {ENV_STATE})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="powerdeck serve",
        description="Host powerdeck for a team over SSH: each person's key opens their own deck and log.",
    )
    _state_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=2222, help="port to listen on (default 2222)")
    parser.add_argument("--deck", metavar="FILE", help="use another deck file of the same format")
    parser.add_argument("--max-sessions", type=int, default=50, metavar="N", help="apps running at once (default 50)")
    parser.add_argument("--max-logins", type=int, default=100, metavar="N",
                        help="connections still logging in at once, all addresses (default 100; new ones "
                             "are refused at random past 60%% of it)")
    parser.add_argument("--max-logins-per-address", type=int, default=40, metavar="N",
                        help="connections still logging in at once from one address (default 40)")
    parser.add_argument("--max-failures", type=int, default=20, metavar="N",
                        help="failed logins and wrong invite codes per address per minute before that "
                             "address is offered no invite (default 20; registered keys still get in)")
    parser.add_argument("--rescue", metavar="DIR",
                        help="where to keep text that cannot be written when the state folder's disk is full, "
                             "best on another filesystem (default: the temporary folder if it is one, else "
                             "the server's memory; 'memory' for memory only)")
    parser.add_argument("--keepalive", type=float, default=10.0, metavar="SECONDS",
                        help="check a silent client every SECONDS; 3 missed answers end its session (default 10)")
    parser.add_argument("--login-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="seconds for each stage of logging in: the key, then opening a session "
                             "(an invite code gets twice as long; default 30)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    users = commands.add_parser("users", help="the people who may connect, their keys and invites")
    _state_option(users, suppress=True)
    actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="register a person (with their public key, or none for the web only)")
    _state_option(add, suppress=True)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--key", metavar="FILE|KEY",
                     help="their .pub file, or the key itself: 'ssh-ed25519 AAAA...' (leave out for web-only people)")
    _reuse_options(add)
    link = actions.add_parser("link", help="let a web sign-in (powerdeck web) open NAME's deck")
    _state_option(link, suppress=True)
    link.add_argument("name", metavar="NAME")
    link.add_argument("--issuer", required=True, metavar="URL",
                      help="the sign-in provider, exactly as powerdeck web's --oidc-issuer")
    link.add_argument("--subject", required=True, metavar="ID",
                      help="their ID there: Entra ID's Object ID (oid), else the token's sub")
    listing = actions.add_parser("list", help="who is registered, and open invites")
    _state_option(listing, suppress=True)
    remove = actions.add_parser("remove", help="remove a person (their sessions end at once; their log is kept)")
    _state_option(remove, suppress=True)
    remove.add_argument("name", metavar="NAME")
    invite = actions.add_parser("invite", help="a one-time code that lets NAME register their own key (a day)")
    _state_option(invite, suppress=True)
    invite.add_argument("name", metavar="NAME")
    _reuse_options(invite)
    return parser


def _reuse_options(parser: argparse.ArgumentParser) -> None:
    """A name is a person: giving a name that is already someone's to a key says how."""
    reuse = parser.add_mutually_exclusive_group()
    reuse.add_argument("--replace-key", dest="reuse", action="store_const", const="replace-key",
                       help="NAME is the same person with a new key: their old keys stop working, "
                            "their log stays theirs")
    reuse.add_argument("--add-key", dest="reuse", action="store_const", const="add-key",
                       help="another key of the same person (a second computer); their other keys still work")
    reuse.add_argument("--new-person", dest="reuse", action="store_const", const="new-person",
                       help="someone else of that name: the old log is archived (people-archive/), not handed over")


def _read_key(value: str) -> str:
    from powerdeck.serve.users import KEY_TYPES, UsersFileError, normalise_key

    if value.split(" ", 1)[0] in KEY_TYPES:
        return normalise_key(value)
    path = Path(value).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not text"
        raise UsersFileError(f"cannot read the key file {path}: {reason or error}") from None
    return normalise_key(text)


def _fingerprint(key: str) -> str:
    import asyncssh

    return str(asyncssh.import_public_key(key).get_fingerprint())


def run_users(args: argparse.Namespace, state: Path) -> int:
    from powerdeck.serve.state import private_state
    from powerdeck.serve.users import UsersFile

    users = UsersFile(private_state(state))
    current = users.current()
    if (args.action in ("add", "invite") and args.reuse == "new-person"
            and (current.people.get(args.name) or current.identities.get(args.name))):
        # Their running sessions end within a second of losing their keys and keep their drafts
        # in their own folder: only then is the folder archived.
        users.drop_keys(args.name)
        print(f"{args.name}'s keys and sign-ins no longer work; waiting {NEW_PERSON_WAIT:.0f} s "
              "for their open sessions to end...")
        time.sleep(NEW_PERSON_WAIT)
    if args.action == "add" and args.key is None:
        archived = users.add(args.name, None, args.reuse)
        if archived is not None:
            print(f"The old log of {args.name} is archived in {archived}.")
        print(f"Added {args.name} without a key. Link their web sign-in with: powerdeck serve users link "
              f"{args.name} --issuer URL --subject ID, or give them a code: powerdeck serve users invite {args.name}")
    elif args.action == "add":
        key = _read_key(args.key)
        archived = users.add(args.name, key, args.reuse)
        if archived is not None:
            print(f"The old log of {args.name} is archived in {archived}.")
        print(f"Added {args.name} ({_fingerprint(key)}). They connect with: ssh -t -p PORT HOST")
    elif args.action == "link":
        issuer, subject = args.issuer.strip(), args.subject.strip()
        if not issuer or not subject or any(not char.isprintable() for char in issuer + subject):
            raise PowerdeckError("give the issuer URL and the subject ID as printed by the provider")
        users.link(args.name, (issuer, subject))
        print(f"Linked {args.name} to a sign-in at {issuer}: they sign in at powerdeck web's address.")
    elif args.action == "remove":
        users.remove(args.name)
        print(f"Removed {args.name}: they can no longer connect (their log stays in {state / 'people'}).")
    elif args.action == "invite":
        code, expires = users.invite(args.name, mode=args.reuse)
        print(f"Invite code for {args.name}: {code}")
        print(f"It works once, until {expires.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC. "
              "They connect with ssh -t -p PORT HOST, or sign in at powerdeck web's address, "
              "and type it when asked.")
    else:
        current = users.current()
        if not current.people:
            print(f"Nobody is registered yet. Add someone: powerdeck serve users add NAME --key FILE --state {state}")
        for name, keys in sorted(current.people.items()):
            web = [f"web: {issuer}" for issuer, _subject in current.identities.get(name, [])]
            print(f"{name}  " + ", ".join([_fingerprint(key) for key in keys] + web))
        for invite in current.live_invites():
            print(f"{invite.name}  (invited, until {invite.expires:%Y-%m-%d %H:%M} UTC)")
    return 0


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        import asyncssh  # noqa: F401
    except ImportError:
        raise PowerdeckError("powerdeck serve needs the serve extra: pip install 'powerdeck[serve]'") from None
    from powerdeck.serve.state import refuse_root

    refuse_root()
    state = args.state or default_state()
    if args.command == "users":
        return run_users(args, state)
    from powerdeck.deck.model import deck_path_from
    from powerdeck.serve.limits import Limits
    from powerdeck.serve.server import run_server
    from powerdeck.serve.state import ServeConfig

    for option, value in (("--max-sessions", args.max_sessions), ("--max-logins", args.max_logins),
                          ("--max-logins-per-address", args.max_logins_per_address),
                          ("--max-failures", args.max_failures)):
        if value < 1:
            raise PowerdeckError(f"{option} must be 1 or more")
    if args.keepalive <= 0 or args.login_timeout <= 0:
        raise PowerdeckError("--keepalive and --login-timeout must be more than 0 seconds")
    limits = Limits(
        max_unauthenticated=args.max_logins, max_logins_per_address=args.max_logins_per_address,
        max_failures_per_minute=args.max_failures,
        max_sessions=args.max_sessions, login_timeout=args.login_timeout, keepalive_interval=args.keepalive,
    )
    deck_path = deck_path_from(args.deck)
    deck_file = str(deck_path.resolve()) if deck_path else None
    return run_server(ServeConfig(state=state, host=args.host, port=args.port, deck=deck_file, limits=limits,
                                  rescue=args.rescue))
