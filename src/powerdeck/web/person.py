"""Who is signed in to `powerdeck web`: set on every request by the sign-in middleware."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WebPerson:
    name: str        # the person's name on the team server (users.json)
    data_dir: Path   # their own data folder, the same one `powerdeck serve` gives them
    session_id: str  # this browser session's id (CSRF tokens and downloads are bound to it)
