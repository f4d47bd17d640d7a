"""The people who may connect: `users.json` in the state folder, their keys and their invites.

One key belongs to one person. An invite is a one-time code for a name, stored only as a hash,
valid for a day and for a few wrong tries; redeeming it binds the key that proved itself at login.
A person may also have web identities (`powerdeck web`): an OpenID Connect issuer and the
subject it gives them, linked by `users link` or by typing an invite code once after signing in.

Every change is made under an flock on `users.lock`, written to a private temporary file and
renamed into place, so the running server (which re-reads the file when its stamp changes) never
sees half a file. A damaged file is refused and never overwritten.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from powerdeck.core.errors import PowerdeckError
from powerdeck.store import write_private

USERS_NAME = "users.json"
LOCK_NAME = "users.lock"
NAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{0,31}")
INVITE_LIFETIME = timedelta(days=1)
INVITE_TRIES = 5
"""Kept in the file for older servers; a wrong code no longer costs an invite anything (it costs
the connection and the key that typed it: limits.py)."""
PEOPLE_DIR = "people"
ARCHIVE_DIR = "people-archive"
REUSE_MODES = ("add-key", "replace-key", "new-person")
"""How a name that is already a person may be given a key: another key of theirs, a new key
instead of theirs (the log stays theirs), or a new person (the old folder archived)."""
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or off a screen
_CODE_GROUPS = 4
KEY_TYPES = (
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)  # fmt: skip


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


def normalise_key(text: str) -> str:
    """One public key line (or a file's content) as "type base64", comment dropped; or an error."""
    import asyncssh  # the serve extra; only the commands that need it import it

    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1:
        raise UsersFileError("give exactly one public key (a line such as 'ssh-ed25519 AAAA... you@laptop')")
    line = lines[0]
    if line.startswith("-----BEGIN") or "PRIVATE KEY" in line:
        raise UsersFileError("that is a private key: give the .pub file (never share the private one)")
    if line.split(" ", 1)[0] not in KEY_TYPES:
        raise UsersFileError(
            "that is not an SSH public key: it should start with ssh-ed25519 (or ssh-rsa, ecdsa-...)"
        )
    try:
        key = asyncssh.import_public_key(line)
    except (asyncssh.KeyImportError, ValueError):
        raise UsersFileError("that SSH public key is damaged: copy the whole line of the .pub file") from None
    return key_string(key)


def key_string(key: Any) -> str:
    """An asyncssh SSHKey as "type base64", the form stored and compared."""
    exported: bytes = key.export_public_key("openssh")
    parts = exported.decode("ascii").split()
    return f"{parts[0]} {parts[1]}"


def new_code() -> str:
    return "-".join(
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(_CODE_GROUPS)
    )


def hash_code(code: str) -> str:
    cleaned = re.sub(r"[\s-]", "", code).upper()
    return hashlib.sha256(cleaned.encode("utf-8")).hexdigest()


def _parse(raw: bytes, path: Path) -> Users:
    def damaged(why: str) -> UsersFileError:
        return UsersFileError(f"{path} is damaged ({why}); it was left untouched: fix it or restore a copy")

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise damaged("not JSON") from None
    if not isinstance(data, dict) or data.get("format") != "powerdeck-serve-users":
        raise damaged("not a powerdeck users file")
    people: dict[str, list[str]] = {}
    identities: dict[str, list[Identity]] = {}
    for name, record in (data.get("people") or {}).items():
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or not isinstance(record, dict):
            raise damaged(f"bad person {name!r}")
        keys = record.get("keys")
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise damaged(f"bad keys for {name}")
        people[name] = list(keys)
        linked = record.get("identities") or []
        if not isinstance(linked, list) or not all(
            isinstance(item, dict) and isinstance(item.get("issuer"), str) and isinstance(item.get("subject"), str)
            for item in linked
        ):
            raise damaged(f"bad web identities for {name}")
        if linked:
            identities[name] = [(item["issuer"], item["subject"]) for item in linked]
    invites = []
    for record in data.get("invites") or []:
        try:
            invites.append(Invite(
                name=check_name(record["name"]),
                code_hash=str(record["code_hash"]),
                expires=datetime.fromisoformat(record["expires"]),
                tries_left=int(record["tries_left"]),
                replace=bool(record.get("replace", False)),
            ))
        except (KeyError, TypeError, ValueError, PowerdeckError):
            raise damaged("bad invite") from None
    return Users(people, invites, identities)


def _person_record(users: Users, name: str) -> dict[str, Any]:
    record: dict[str, Any] = {"keys": users.people[name]}
    linked = users.identities.get(name)
    if linked:
        record["identities"] = [{"issuer": issuer, "subject": subject} for issuer, subject in linked]
    return record


def _encode(users: Users) -> bytes:
    data = {
        "format": "powerdeck-serve-users",
        "version": 1,
        "people": {name: _person_record(users, name) for name in sorted(users.people)},
        "invites": [
            {"name": i.name, "code_hash": i.code_hash, "expires": i.expires.isoformat(), "tries_left": i.tries_left,
             **({"replace": True} if i.replace else {})}
            for i in users.invites
        ],
    }
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


class UsersFile:
    """The users file of one state folder; `current()` re-reads it only when it changed."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.path = state / USERS_NAME
        self._stamp: tuple[int, int, int] | None = None
        self._users = Users()

    def _read_stamp(self) -> tuple[int, int, int] | None:
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def current(self) -> Users:
        """The file as it is now (a cheap stat when nothing changed). A missing file is nobody."""
        stamp = self._read_stamp()
        if stamp != self._stamp:
            self._users = self._load()
            self._stamp = stamp
        return self._users

    def _load(self) -> Users:
        try:
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return Users()
        except OSError as error:
            raise UsersFileError(f"cannot read {self.path}: {error.strerror} (is it a symlink?)") from None
        with os.fdopen(descriptor, "rb") as stream:
            return _parse(stream.read(), self.path)

    @contextlib.contextmanager
    def changing(self) -> Iterator[Users]:
        """Read, let the caller change, write back atomically: all under the lock."""
        lock_path = self.state / LOCK_NAME
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            users = self._load()
            yield users
            self._write(users)
        finally:
            os.close(descriptor)

    def _write(self, users: Users) -> None:
        try:
            write_private(self.path, _encode(users))
        except OSError as error:
            raise UsersFileError(f"cannot write {self.path}: {error.strerror or error}") from None

    # -- the commands -----------------------------------------------------------------------

    def folder_of(self, name: str) -> Path:
        return self.state / PEOPLE_DIR / name

    def _check_reuse(self, users: Users, name: str, mode: str | None) -> None:
        """A name is a person: refuse to give an existing name (registered, or with a log left
        from before) to a key unless `mode` says how."""
        registered = bool(users.people.get(name) or users.identities.get(name))
        has_log = os.path.lexists(self.folder_of(name))
        if mode in ("add-key", "replace-key") and not (registered or has_log):
            raise UsersFileError(f"nobody called {name!r} is here yet: leave out --{mode}")
        if mode == "add-key" and not registered:
            raise UsersFileError(f"{name} has no key now: use --replace-key to give them one (their log stays theirs)")
        if mode is None and (registered or has_log):
            what = "is registered" if registered else f"has a log here from before ({PEOPLE_DIR}/{name})"
            raise UsersFileError(
                f"{name} {what}: add --replace-key to give them this key (their log stays theirs), "
                f"--add-key for a second key of theirs, or --new-person for someone else of that name "
                f"(the old log is archived, not handed over)")

    def _archive(self, name: str) -> Path | None:
        """Move a person's folder out of the way (never deleted, never handed over)."""
        folder = self.folder_of(name)
        if not os.path.lexists(folder):
            return None
        archive = self.state / ARCHIVE_DIR
        archive.mkdir(mode=0o700, exist_ok=True)
        if os.path.islink(archive) or not archive.is_dir():
            raise UsersFileError(f"{archive} is not a folder of ours: move it away and try again")
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            target = archive / (f"{name}-{stamp}" if n == 0 else f"{name}-{stamp}-{n}")
            if not os.path.lexists(target):
                try:
                    os.rename(folder, target)
                except OSError as error:
                    raise UsersFileError(f"cannot archive {folder}: {error.strerror or error}") from None
                return target
        raise UsersFileError(f"too many archived folders of {name} made this second: try again")

    def add(self, name: str, key: str | None = None, mode: str | None = None) -> Path | None:
        """Register `name`, with a key or without one (a person who only signs in on the web);
        the archived folder when `mode` is "new-person"."""
        check_name(name)
        if key is None and mode in ("add-key", "replace-key"):
            raise UsersFileError(f"--{mode} needs the key: add --key FILE")
        archived = None
        with self.changing() as users:
            owner = users.owner_of(key) if key is not None else None
            if owner is not None:
                raise UsersFileError(f"that key already belongs to {owner}: one key is one person")
            self._check_reuse(users, name, mode)
            if mode == "new-person":
                archived = self._archive(name)
                users.identities.pop(name, None)  # the old person's web sign-in is not the new one's
            if key is None:
                users.people[name] = users.people.get(name, []) if mode is None else []
            elif mode == "add-key":
                users.people[name].append(key)
            else:
                users.people[name] = [key]
        return archived

    def drop_keys(self, name: str) -> None:
        """`name` can no longer log in, by key or web sign-in (their folder is kept)."""
        with self.changing() as users:
            users.people.pop(name, None)
            users.identities.pop(name, None)

    def link(self, name: str, identity: Identity) -> None:
        """Let the web sign-in `identity` open `name`'s deck; one identity is one person."""
        check_name(name)
        with self.changing() as users:
            if name not in users.people:
                raise UsersFileError(f"nobody called {name!r} is registered: add them first "
                                     "(powerdeck serve users add NAME)")
            owner = users.owner_of_identity(identity)
            if owner is not None:
                raise UsersFileError(f"that sign-in already belongs to {owner}: one sign-in is one person")
            users.identities.setdefault(name, []).append(identity)

    def remove(self, name: str) -> None:
        with self.changing() as users:
            known = users.people.pop(name, None) is not None
            users.identities.pop(name, None)
            before = len(users.invites)
            users.invites = [invite for invite in users.invites if invite.name != name]
            if not known and before == len(users.invites):
                raise UsersFileError(f"nobody called {name!r} is registered (see: powerdeck serve users list)")

    def invite(self, name: str, now: datetime | None = None, mode: str | None = None) -> tuple[str, datetime]:
        check_name(name)
        code = new_code()
        expires = (now or datetime.now(timezone.utc)) + INVITE_LIFETIME
        with self.changing() as users:
            self._check_reuse(users, name, mode)
            if mode == "new-person":
                users.people.pop(name, None)
                users.identities.pop(name, None)
                self._archive(name)
            users.invites = [invite for invite in users.invites if invite.name != name]
            users.invites.append(Invite(name, hash_code(code), expires, INVITE_TRIES, replace=mode == "replace-key"))
        return code, expires

    def redeem(self, code: str, key: str) -> str | None:
        """Bind `key` to the invite whose code this is (used up), or None. A wrong code changes
        nothing here: it is counted against whoever typed it (login.py), never against an invite."""

        def bind(users: Users, invite: Invite) -> None:
            if invite.replace:  # `users invite NAME --replace-key`: the new key instead of theirs
                users.people[invite.name] = [key]
                users.identities.pop(invite.name, None)
            else:
                users.people.setdefault(invite.name, []).append(key)

        return self._redeem(code, lambda users: users.owner_of(key) is None, bind)

    def redeem_identity(self, code: str, identity: Identity) -> str | None:
        """As `redeem`, for a web sign-in: the code links `identity` to the invited person."""

        def bind(users: Users, invite: Invite) -> None:
            if invite.replace:
                users.people[invite.name] = []
                users.identities[invite.name] = [identity]
            else:
                users.people.setdefault(invite.name, [])
                users.identities.setdefault(invite.name, []).append(identity)

        return self._redeem(code, lambda users: users.owner_of_identity(identity) is None, bind)

    def _redeem(self, code: str, free: Callable[[Users], bool], bind: Callable[[Users, Invite], None]) -> str | None:
        wanted = hash_code(code)
        now = datetime.now(timezone.utc)
        with self.changing() as users:
            if not free(users):
                return None
            for invite in users.live_invites(now):
                if hmac.compare_digest(invite.code_hash, wanted):
                    users.invites.remove(invite)
                    bind(users, invite)
                    return invite.name
            return None


def person_folder(state: Path, name: str) -> Path:
    """`people/NAME` in the state folder: a person's own data folder, the same for the SSH door and
    the browser's; never through a symlink."""
    people = state / PEOPLE_DIR
    people.mkdir(mode=0o700, exist_ok=True)
    if os.path.islink(people):
        raise PowerdeckError("the people folder is a symlink: refusing to follow it")
    folder = people / name
    if os.path.islink(folder):
        raise PowerdeckError(f"{name}'s folder is a symlink: refusing to follow it")
    return folder
