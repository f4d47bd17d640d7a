"""Who may connect, as the team server holds it: people (a name, their SSH keys, their web
identities) and the invites waiting for them. The model only; users.py reads and writes the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from powerdeck.core.errors import PowerdeckError

NAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{0,31}")
INVITE_LIFETIME = timedelta(days=1)
INVITE_TRIES = 5
"""Kept in the file for older servers; a wrong code no longer costs an invite anything (it costs
the connection and the key that typed it: limits.py)."""
REUSE_MODES = ("add-key", "replace-key", "new-person")
"""How a name that is already a person may be given a key: another key of theirs, a new key
instead of theirs (the log stays theirs), or a new person (the old folder archived)."""


class UsersFileError(PowerdeckError):
    """The users file cannot be read or written; it is left as it was."""


@dataclass(frozen=True)
class Invite:
    name: str
    code_hash: str
    expires: datetime
    tries_left: int
    replace: bool = False
    """Redeeming it replaces the person's keys (`users invite NAME --replace-key`)."""


Identity = tuple[str, str]
"""A web sign-in: (issuer URL, subject), the subject being Entra's `oid` claim or else `sub`."""


@dataclass
class Users:
    """The parsed users file: name -> keys (OpenSSH "type base64" strings), web identities, invites."""

    people: dict[str, list[str]] = field(default_factory=dict)
    invites: list[Invite] = field(default_factory=list)
    identities: dict[str, list[Identity]] = field(default_factory=dict)

    def owner_of(self, key: str) -> str | None:
        for name, keys in self.people.items():
            if key in keys:
                return name
        return None

    def owner_of_identity(self, identity: Identity) -> str | None:
        for name, identities in self.identities.items():
            if identity in identities and name in self.people:
                return name
        return None

    def live_invites(self, now: datetime | None = None) -> list[Invite]:
        moment = now or datetime.now(timezone.utc)
        return [invite for invite in self.invites if invite.expires > moment and invite.tries_left > 0]


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise UsersFileError(
            f"{name!r} cannot be a name here: use 1 to 32 lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter (it is also the name of the person's folder)"
        )
    return name

