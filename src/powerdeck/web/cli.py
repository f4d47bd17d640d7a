"""`powerdeck web`: the browser door's arguments, checked into a WebConfig, then the server."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from powerdeck.core.errors import PowerdeckError

ENV_ISSUER = "POWERDECK_OIDC_ISSUER"
ENV_CLIENT_ID = "POWERDECK_OIDC_CLIENT_ID"
ENV_SECRET_FILE = "POWERDECK_OIDC_CLIENT_SECRET_FILE"
TESTS_ALLOW_ROOT = "POWERDECK_SERVE_TESTS_ALLOW_ROOT"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="powerdeck web",
        description="Host powerdeck for a team in the browser: people sign in with their organisation's "
                    "account (OpenID Connect) and their own deck opens in a tab.",
    )
    parser.add_argument("--state", metavar="DIR", type=Path,
                        help="the server's folder, the same as powerdeck serve's (env POWERDECK_SERVE_STATE)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument("--public-url", metavar="URL",
                        help="the address people open, e.g. https://deck.example.org (default http://HOST:PORT, "
                             "only on this machine)")
    parser.add_argument("--oidc-issuer", metavar="URL", help=f"the sign-in provider's issuer (env {ENV_ISSUER})")
    parser.add_argument("--oidc-client-id", metavar="ID", help=f"this app's client ID there (env {ENV_CLIENT_ID})")
    parser.add_argument("--oidc-client-secret-file", metavar="FILE", type=Path,
                        help=f"a private file holding the client secret (env {ENV_SECRET_FILE}); "
                             "never the secret itself on the command line")
    parser.add_argument("--trusted-proxy", metavar="ADDRESS", action="append", default=[],
                        help="believe X-Forwarded-For from this address (a proxy such as nginx); repeat for more")
    parser.add_argument("--ask", metavar="TEXT", default="the person who runs this deck",
                        help="whom people not on the list should ask, e.g. 'Sam Jones (sam.jones@nhs.net)'")
    parser.add_argument("--deck", metavar="FILE", help="use another deck file of the same format")
    parser.add_argument("--rescue", metavar="DIR",
                        help="where to keep text that cannot be written when the state folder's disk is full, "
                             "best on another filesystem (default: the temporary folder if it is one, else "
                             "the server's memory; 'memory' for memory only), as powerdeck serve --rescue")
    parser.add_argument("--max-sessions", type=int, default=50, metavar="N", help="decks open at once (default 50)")
    parser.add_argument("--max-failures", type=int, default=10, metavar="N",
                        help="failed sign-ins and wrong invite codes per address per minute (default 10)")
    parser.add_argument("--max-open-logs", type=int, default=8, metavar="N",
                        help="people's logs the simple view keeps open at once (default 8; ~35 MiB each "
                             "at 20,000 entries)")
    return parser


def read_secret(path: Path) -> str:
    """The client secret from a file of ours that nobody else can read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise PowerdeckError(f"cannot read the client secret file {path}: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PowerdeckError(f"{path} is not a file: give the file that holds the client secret")
        if info.st_mode & 0o077:
            raise PowerdeckError(f"the client secret file {path} can be read by others: chmod 600 {path}")
        data = stream.read(4097)
    try:
        secret = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        secret = ""
    if not secret or len(secret) > 4096 or not secret.isprintable():
        raise PowerdeckError(f"{path} does not hold a client secret (one line of text)")
    return secret


def refuse_root() -> None:
    if os.geteuid() == 0 and os.environ.get(TESTS_ALLOW_ROOT) != "1":
        raise PowerdeckError("powerdeck web will not run as root: run it as an ordinary user "
                             "(for example a 'deck' account made for it; see docs/web.md)")


def main(argv: Sequence[str]) -> int:
    arguments = list(argv)
    for argument in arguments:
        if argument.split("=", 1)[0] in ("--oidc-client-secret", "--client-secret", "--secret"):
            raise PowerdeckError("a secret is never taken on the command line (others can read it there): "
                                 "put it in a private file and give --oidc-client-secret-file FILE")
    args = build_parser().parse_args(arguments)
    try:
        import authlib  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise PowerdeckError("powerdeck web needs the web extra: pip install 'powerdeck[web]'") from None
    refuse_root()
    from powerdeck.deck.model import deck_path_from
    from powerdeck.serve.cli import default_state
    from powerdeck.web.config import WebConfig, WebLimits, checked_issuer, checked_public_url

    issuer = args.oidc_issuer or os.environ.get(ENV_ISSUER)
    client_id = args.oidc_client_id or os.environ.get(ENV_CLIENT_ID)
    secret_file = args.oidc_client_secret_file or (Path(os.environ[ENV_SECRET_FILE])
                                                   if os.environ.get(ENV_SECRET_FILE) else None)
    if not issuer or not client_id or secret_file is None:
        raise PowerdeckError("give the sign-in provider: --oidc-issuer URL --oidc-client-id ID "
                             "--oidc-client-secret-file FILE (or their POWERDECK_OIDC_* variables)")
    if not 0 < args.port < 65536:
        raise PowerdeckError("--port must be between 1 and 65535")
    for option, value in (("--max-sessions", args.max_sessions), ("--max-failures", args.max_failures),
                          ("--max-open-logs", args.max_open_logs)):
        if value < 1:
            raise PowerdeckError(f"{option} must be 1 or more")
    deck_path = deck_path_from(args.deck)
    config = WebConfig(
        state=(args.state or default_state()),
        issuer=checked_issuer(issuer),
        client_id=client_id,
        client_secret=read_secret(secret_file.expanduser()),
        public_url=checked_public_url(args.public_url, args.host, args.port),
        host=args.host,
        port=args.port,
        deck=str(deck_path.resolve()) if deck_path else None,
        trusted_proxies=frozenset(args.trusted_proxy),
        ask=args.ask,
        limits=WebLimits(max_sessions=args.max_sessions, max_failures_per_minute=args.max_failures,
                         max_open_logs=args.max_open_logs),
        rescue=args.rescue,
    )
    from powerdeck.web.server import run_server

    return run_server(config)
