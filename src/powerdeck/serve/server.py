"""`powerdeck serve`: an SSH server where the key is the person, and each session is their app.

This module starts and stops it: the host key, the prepared process, asyncssh's listener, the
watch on the users file and a clean stop. A connection is login.DeckServer; a session channel is
channel.AppSession; what they share is state.ServerState.
"""

from __future__ import annotations

import asyncio
import signal

import asyncssh

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.login import DeckServer
from powerdeck.serve.pool import ZygotePool
from powerdeck.serve.state import (
    ServeConfig,
    ServerState,
    host_key,
    log,
    open_server_log,
    private_state,
    refuse_root,
)
from powerdeck.serve.users import UsersFileError


async def _watch_users(state: ServerState) -> None:
    """A person removed from the users file loses their running sessions too, at once."""
    while True:
        await asyncio.sleep(1.0)
        for session in list(state.sessions):
            key = session.server.key
            if key is not None and not state.still_allowed(session.server.person, key):
                log.info("%s was removed: ending their session", session.server.person)
                asyncio.get_running_loop().create_task(
                    session.end("\r\npowerdeck: your access to this deck was removed; your draft is kept.\r\n"))


async def serve(config: ServeConfig, ready: asyncio.Event | None = None) -> None:
    state_dir = config.state
    key = host_key(state_dir)
    pool = ZygotePool(config.deck)
    await pool.start()
    state = ServerState(config, pool)
    limits = config.limits
    try:
        server = await asyncssh.create_server(
            lambda: DeckServer(state), config.host, config.port,
            server_host_keys=[key],
            process_factory=None, sftp_factory=None, allow_scp=False,
            agent_forwarding=False, x11_forwarding=False, line_editor=False, encoding=None,
            login_timeout=limits.login_timeout,
            keepalive_interval=limits.keepalive_interval, keepalive_count_max=limits.keepalive_count,
        )
    except OSError as error:
        await pool.stop()
        raise PowerdeckError(
            f"cannot listen on {config.host} port {config.port}: {error.strerror or error} "
            "(is another server using it? choose another with --port)"
        ) from None
    try:
        nobody = not state.users.current().people
    except UsersFileError as error:
        raise PowerdeckError(str(error)) from None
    log.info("powerdeck serve listening on %s port %d (host key %s)", config.host, config.port,
             key.get_fingerprint())
    if nobody:
        log.info("nobody is registered yet: add someone with "
                 "powerdeck serve users add NAME --key FILE --state %s", state_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    watcher = loop.create_task(_watch_users(state))
    keeper = loop.create_task(state.keeper.run())
    where = state.keeper.place
    log.info("text that cannot be written when the disk is full is kept %s",
             f"in {where}" if where else "in the server's memory (no other filesystem: see --rescue)")
    if ready is not None:
        ready.set()
    await stop.wait()
    log.info("stopping: ending %d session(s), drafts kept", len(state.sessions))
    watcher.cancel()
    server.close()
    await asyncio.gather(*(session.end("\r\npowerdeck: the server is stopping; your draft is kept. "
                                       "Connect again in a little while.\r\n")
                           for session in list(state.sessions)), return_exceptions=True)
    await asyncio.sleep(0.2)  # let the last notices go out
    keeper.cancel()
    state.keeper.stop()
    await pool.stop()
    log.info("stopped")


def run_server(config: ServeConfig) -> int:
    refuse_root()
    private_state(config.state)
    open_server_log(config.state)
    asyncio.run(serve(config))
    return 0
