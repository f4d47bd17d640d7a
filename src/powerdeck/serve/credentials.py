"""An SSH public key as people paste it, made the one form stored and compared; and the invite
codes (read aloud or off a screen, stored only as a hash)."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from powerdeck.serve.people import UsersFileError

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or off a screen
_CODE_GROUPS = 4
KEY_TYPES = (
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)  # fmt: skip



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

