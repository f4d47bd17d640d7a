"""How this run of the app was asked to look and behave, decided once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the type: importing textual.types loads most of Textual
    from textual.types import AnimationLevel

ANIMATION_LEVELS: tuple[AnimationLevel, ...] = ("none", "basic", "full")
"""Textual's levels (mypy checks each against its AnimationLevel)."""


def animation_level(value: str | None) -> AnimationLevel | None:
    """`value` as one of Textual's animation levels, or None if it is not one."""
    return next((level for level in ANIMATION_LEVELS if level == value), None)


def over_ssh(environ: Mapping[str, str] = os.environ) -> bool:
    return bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"))


@dataclass(frozen=True)
class AppOptions:
    """Choices for one run; `None` means "not chosen by the user"."""

    animation: AnimationLevel = "full"
    theme: str | None = None
    mouse: bool = True
    over_ssh: bool = False
    animation_chosen: bool = False

    @classmethod
    def from_args(
        cls,
        *,
        animation: str | None,
        theme: str | None,
        no_mouse: bool,
        environ: Mapping[str, str] = os.environ,
    ) -> AppOptions:
        remote = over_ssh(environ)
        chosen = animation_level(animation or environ.get("TEXTUAL_ANIMATIONS"))
        # Over SSH every animation frame crosses the link: default to none unless asked.
        level: AnimationLevel = chosen or ("none" if remote else "full")
        return cls(
            animation=level,
            theme=theme,
            mouse=not no_mouse,
            over_ssh=remote,
            animation_chosen=chosen is not None,
        )
