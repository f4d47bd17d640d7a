"""What every connection of `powerdeck serve` shares: its settings, its state folder and the
files in it (the host key, the server log, the people's folders), and the running sessions."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import asyncssh

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.jobs import JobTurns
from powerdeck.serve.keeper import RescueKeeper, rescue_place
from powerdeck.serve.limits import KEY_CODE_WINDOW, STALE_AFTER, FailureCounter, Limits, LoginSlots
from powerdeck.serve.pool import ZygotePool
from powerdeck.serve.session import TERM_DEFAULT, SessionSettings
from powerdeck.serve.users import ARCHIVE_DIR, PEOPLE_DIR, UsersFile, UsersFileError, person_folder

if TYPE_CHECKING:
    from powerdeck.serve.channel import AppSession
    from powerdeck.serve.login import DeckServer

HOST_KEY_NAME = "host_ed25519_key"
SERVER_LOG = "server.log"
TERM_PATTERN = re.compile(r"[a-zA-Z0-9._+-]{1,64}")
HANGUP_GRACE = 10.0
"""Seconds an app gets to keep its draft and go after a hang-up before it is killed."""
STOP_GRACE = 8.0

log = logging.getLogger("powerdeck.serve")


@dataclass(frozen=True)
class ServeConfig:
    state: Path
    host: str = "127.0.0.1"
    port: int = 2222
    deck: str | None = None
    limits: Limits = field(default_factory=Limits)
    rescue: str | None = None
    """`--rescue DIR`: where text goes when the state folder's disk is full ("memory": nowhere)."""
    settings: SessionSettings = field(default_factory=SessionSettings)


def safe_term(term: str) -> str:
    """TERM from the pty request is the client's to choose: only a plain name gets through."""
    return term if TERM_PATTERN.fullmatch(term) else TERM_DEFAULT


TESTS_ALLOW_ROOT = "POWERDECK_SERVE_TESTS_ALLOW_ROOT"
"""For the test suite only (CI runs as root and its Python may not be usable by another user):
set to 1, `serve` runs as root. Never set it on a real server."""


def refuse_root() -> None:
    if os.geteuid() == 0 and os.environ.get(TESTS_ALLOW_ROOT) != "1":
        raise PowerdeckError(
            "powerdeck serve will not run as root: run it as an ordinary user "
            "(for example a 'deck' account made for it; see docs/serving.md)"
        )


def private_state(state: Path) -> Path:
    """The state folder, made 0700 if new; an existing one must be ours and private."""
    try:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(state)
    except OSError as error:
        raise PowerdeckError(f"cannot use {state} as the state folder: {error.strerror or error}") from None
    if not os.path.isdir(state) or os.path.islink(state):
        raise PowerdeckError(f"{state} is not a folder (or is a symlink): choose another with --state DIR")
    if info.st_uid != os.geteuid():
        raise PowerdeckError(f"{state} belongs to another user: choose a folder of your own with --state DIR")
    if info.st_mode & 0o077:
        raise PowerdeckError(f"{state} can be read by others: make it private with: chmod 700 {state}")
    return state


def host_key(state: Path) -> asyncssh.SSHKey:
    """The server's own key, made on first start (0600) and then kept. Written whole or not at
    all: a private temporary file, synced, then linked into place (never over an existing key)."""
    path = state / HOST_KEY_NAME
    if os.path.lexists(path):
        info = os.lstat(path)
        if not os.path.isfile(path) or os.path.islink(path) or info.st_mode & 0o077 or info.st_uid != os.geteuid():
            raise PowerdeckError(f"the host key {path} must be a private file of yours: chmod 600 {path}")
        if info.st_size == 0:
            raise PowerdeckError(f"the host key {path} is empty (an earlier start could not write it): "
                                 "remove it and start again for a new one")
        try:
            return asyncssh.read_private_key(path)
        except (asyncssh.KeyImportError, OSError):
            raise PowerdeckError(f"the host key {path} is damaged: "
                                 "move it away and start again for a new one") from None
    key = asyncssh.generate_private_key("ssh-ed25519")
    temporary = state / f".{HOST_KEY_NAME}.{os.getpid()}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            data = key.export_private_key()
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.link(temporary, path)  # fails if another start made one meanwhile: theirs is kept
    except FileExistsError:
        return host_key(state)
    except OSError as error:
        raise PowerdeckError(f"cannot write the host key {path}: {error.strerror or error} "
                             "(free some space in the state folder and start again)") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return key


def open_server_log(state: Path) -> None:
    """Who, from where, for how long, what was refused: never what anyone wrote."""
    path = state / SERVER_LOG
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600))
    formatter = logging.Formatter("%(asctime)s %(message)s")
    for handler in (logging.FileHandler(path, encoding="utf-8"), logging.StreamHandler()):
        handler.setFormatter(formatter)
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logging.raiseExceptions = False  # a full disk must not print a traceback for every line
    logging.getLogger("asyncssh").setLevel(logging.WARNING)


class ServerState:
    """What all connections share."""

    def __init__(self, config: ServeConfig, pool: ZygotePool) -> None:
        self.config = config
        self.limits = config.limits
        self.users = UsersFile(config.state)
        self.pool = pool
        self.failures = FailureCounter()
        self.code_failures = FailureCounter(window=KEY_CODE_WINDOW)
        self.logins: LoginSlots[DeckServer] = LoginSlots(
            self.limits.max_unauthenticated, self.limits.max_logins_per_address,
            stale_after=min(STALE_AFTER, self.limits.login_timeout / 4))
        self.sessions: set[AppSession] = set()
        self.jobs = JobTurns()
        self.keeper = RescueKeeper(config.state, rescue_place(config.state / PEOPLE_DIR, config.rescue),
                                   config.state / ARCHIVE_DIR)

    def person_folder(self, name: str) -> Path:
        return person_folder(self.config.state, name)

    def still_allowed(self, name: str | None, key: str) -> bool:
        try:
            return name is not None and self.users.current().owner_of(key) == name
        except UsersFileError:
            # A damaged file (a hand edit gone wrong) refuses every new login, but says nobody was
            # removed: running sessions go on until it is fixed.
            return True
