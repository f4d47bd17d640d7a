"""The people who may connect: `users.json` in the state folder, their keys and their invites.

One key belongs to one person. An invite is a one-time code for a name, stored only as a hash,
valid for a day and for a few wrong tries; redeeming it binds the key that proved itself at login.
A person may also have web identities (`powerdeck web`): an OpenID Connect issuer and the
subject it gives them, linked by `users link` or by typing an invite code once after signing in.

Every change is made under an flock on `users.lock`, written to a private temporary file and
renamed into place, so the running server (which re-reads the file when its stamp changes) never
sees half a file. A damaged file is refused and never overwritten.

The model is people.py, keys and invite codes credentials.py, the file's format users_format.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import hmac
import os
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.credentials import KEY_TYPES, hash_code, key_string, new_code, normalise_key
from powerdeck.serve.people import (
    INVITE_LIFETIME,
    INVITE_TRIES,
    NAME_PATTERN,
    REUSE_MODES,
    Identity,
    Invite,
    Users,
    UsersFileError,
    check_name,
)
from powerdeck.serve.users_format import encode_users, parse_users
from powerdeck.store import write_private

__all__ = [  # what the doors import from here
    "ARCHIVE_DIR", "INVITE_LIFETIME", "INVITE_TRIES", "KEY_TYPES", "NAME_PATTERN", "PEOPLE_DIR", "REUSE_MODES",
    "Identity", "Invite", "Users", "UsersFile", "UsersFileError", "check_name", "hash_code", "key_string",
    "new_code", "normalise_key", "person_folder",
]

USERS_NAME = "users.json"
LOCK_NAME = "users.lock"
PEOPLE_DIR = "people"
ARCHIVE_DIR = "people-archive"


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
            return parse_users(stream.read(), self.path)

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
            write_private(self.path, encode_users(users))
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
