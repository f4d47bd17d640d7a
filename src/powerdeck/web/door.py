"""What every request of `powerdeck web` shares: settings, the people, the browser sessions, the
prepared process, the downloads waiting, the counters of failures, and the server log."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.keeper import RescueKeeper, rescue_place
from powerdeck.serve.limits import FailureCounter
from powerdeck.serve.users import ARCHIVE_DIR, PEOPLE_DIR, Identity, UsersFile, UsersFileError, person_folder
from powerdeck.web.config import WebConfig
from powerdeck.web.downloads import Downloads
from powerdeck.web.sessions import BrowserSession, Sessions

if TYPE_CHECKING:
    from powerdeck.serve.pool import ZygotePool
    from powerdeck.web.terminal import Tab

WEB_DIR = "web"
log = logging.getLogger("powerdeck.web")


class Door:
    def __init__(self, config: WebConfig, secret: bytes | None = None) -> None:
        self.config = config
        self.secret = secret or secrets.token_bytes(32)
        self.users = UsersFile(config.state)
        self.sessions = Sessions(self.secret, config.limits, config.clock)
        self.downloads = Downloads(config.clock)
        self.failures = FailureCounter()
        """Failed sign-ins and wrong invite codes per address, in the last minute."""
        self.code_failures = FailureCounter(window=3600.0)
        """Wrong invite codes per signed-in identity, in the last hour."""
        self.pool: ZygotePool | None = None
        self.tabs: set[Tab] = set()
        self.keeper = RescueKeeper(config.state, rescue_place(config.state / PEOPLE_DIR, config.rescue),
                                   config.state / ARCHIVE_DIR)
        """Text a tab's app cannot write in the person's folder (a full disk), as `serve` keeps it."""

    # -- people ------------------------------------------------------------------------------

    def person_of(self, identity: Identity) -> str | None:
        try:
            return self.users.current().owner_of_identity(identity)
        except UsersFileError as error:
            log.info("refused a sign-in: %s", error)
            return None

    def still_allowed(self, session: BrowserSession) -> bool:
        """Is the session's identity still linked to its person? A damaged users file ends
        nobody's session (as over SSH): new sign-ins are refused until it is fixed."""
        if session.name is None:
            return True
        try:
            return self.users.current().owner_of_identity(session.identity) == session.name
        except UsersFileError:
            return True

    def person_folder(self, name: str) -> Path:
        """`people/NAME` in the state folder, the one `powerdeck serve` gives them; never a symlink."""
        return person_folder(self.config.state, name)

    def spool_folder(self, tab_id: str) -> Path:
        """A new private folder for one tab's exports on their way to its browser."""
        spool = self.config.state / WEB_DIR
        spool.mkdir(mode=0o700, exist_ok=True)
        if os.path.islink(spool):
            raise PowerdeckError("the web folder is a symlink: refusing to follow it")
        folder = spool / tab_id
        folder.mkdir(mode=0o700)
        return folder

    def clear_spool(self) -> None:
        """At start: exports a stopped server never handed over are nobody's now."""
        spool = self.config.state / WEB_DIR
        if spool.is_dir() and not spool.is_symlink():
            shutil.rmtree(spool, ignore_errors=True)

    def throttled(self, address: str) -> bool:
        return self.failures.count(address) >= self.config.limits.max_failures_per_minute
