"""Where the review log lives: one private folder per user, chosen without creating anything."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DATA = "POWERDECK_DATA"
LOG_NAME = "log.json"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """`--data DIR` beats `POWERDECK_DATA`, which beats the platform's per-user data folder.

    platformdirs honours `XDG_DATA_HOME` on Linux, so a shared server's users each get their own
    `~/.local/share/powerdeck`. Nothing is created here: the storage creates it private (0700).
    """
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("powerdeck", appauthor=False))


def cache_dir() -> Path:
    """The per-user cache folder (`XDG_CACHE_HOME` on Linux): the deck's parsed form lives here
    (deck_cache.py). Nothing is created here either."""
    return Path(platformdirs.user_cache_dir("powerdeck", appauthor=False))


def log_path(directory: str | os.PathLike[str]) -> Path:
    """The log file inside a data folder."""
    return Path(directory) / LOG_NAME


STATE_NAME = "state.json"


def state_path(log_file: str | os.PathLike[str]) -> Path:
    """The drafts-and-app-state file beside a log: `state.json` beside `log.json`; a log of another
    name (a test's, a copy) gets its own, `NAME.state.json`, so two logs never share one."""
    log_file = Path(log_file)
    if log_file.name == LOG_NAME:
        return log_file.with_name(STATE_NAME)
    return log_file.with_name(f"{log_file.name}.{STATE_NAME}")
