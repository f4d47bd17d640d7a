"""Run the browser door: check the state folder and the provider, then serve with uvicorn."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from powerdeck.core.errors import PowerdeckError
from powerdeck.web.config import WebConfig
from powerdeck.web.door import log

WEB_LOG = "web.log"
MAX_MESSAGE = 1024 * 1024
"""The largest websocket message a page may send (a long paste arrives in pieces well below this)."""


def open_web_log(config: WebConfig) -> None:
    """Who signed in, from where, when; what was refused: never anything anyone wrote."""
    path = config.state / WEB_LOG
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600))
    formatter = logging.Formatter("%(asctime)s %(message)s")
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler()):
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def run_server(config: WebConfig) -> int:
    import uvicorn

    from powerdeck.serve.state import private_state
    from powerdeck.web.app import create_app
    from powerdeck.web.auth import check_provider

    private_state(config.state)
    open_web_log(config)
    app = create_app(config)
    asyncio.run(check_provider(app.state.oidc, config.issuer))
    try:
        nobody = not app.state.door.users.current().people
    except Exception as error:
        raise PowerdeckError(str(error)) from None
    log.info("powerdeck web listening on %s port %d for %s (sign-in: %s)", config.host, config.port,
             config.public_url, config.issuer)
    if nobody:
        log.info("nobody is registered yet: powerdeck serve users add NAME --state %s, then "
                 "powerdeck serve users invite NAME", config.state)
    server = uvicorn.Server(uvicorn.Config(
        app, host=config.host, port=config.port, proxy_headers=False, server_header=False, date_header=False,
        ws="websockets-sansio", ws_max_size=MAX_MESSAGE, log_level="warning", lifespan="on", access_log=False,
    ))
    # uvicorn stops gracefully on SIGTERM/SIGINT (the decks end, drafts kept), then raises the
    # signal again under the handler it found: a quiet one here, so a clean stop exits 0.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, frame: None)
    try:
        server.run()
    except OSError as error:
        raise PowerdeckError(f"cannot listen on {config.host} port {config.port}: {error.strerror or error}") from None
    return 0
