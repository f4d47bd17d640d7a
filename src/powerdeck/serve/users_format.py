"""The users file's format (`users.json`): parsed with every field checked (a damaged file is
refused, one line naming what is wrong), and written back sorted."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from powerdeck.core.errors import PowerdeckError
from powerdeck.serve.people import NAME_PATTERN, Identity, Invite, Users, UsersFileError, check_name


def parse_users(raw: bytes, path: Path) -> Users:
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


def encode_users(users: Users) -> bytes:
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

