"""The frame-rate cap over SSH: only where it saves bytes (animations asked for over SSH)."""

from __future__ import annotations

from powerdeck.tui.launch import cap_frame_rate
from powerdeck.tui.options import AppOptions


def options(animation: str | None, *, ssh: bool) -> AppOptions:
    environ = {"SSH_CONNECTION": "10.0.0.5 50000 10.0.0.1 22"} if ssh else {}
    return AppOptions.from_args(animation=animation, theme=None, no_mouse=False, environ=environ)


def test_over_ssh_without_animation_textual_s_own_rate_stays() -> None:
    environ: dict[str, str] = {}
    cap_frame_rate(options(None, ssh=True), environ)
    assert "TEXTUAL_FPS" not in environ


def test_over_ssh_with_animation_the_rate_is_capped_at_30() -> None:
    for level in ("basic", "full"):
        environ: dict[str, str] = {}
        cap_frame_rate(options(level, ssh=True), environ)
        assert environ == {"TEXTUAL_FPS": "30"}


def test_locally_nothing_is_capped_and_a_chosen_rate_wins() -> None:
    environ: dict[str, str] = {}
    cap_frame_rate(options("full", ssh=False), environ)
    assert environ == {}
    environ = {"TEXTUAL_FPS": "12"}
    cap_frame_rate(options("full", ssh=True), environ)
    assert environ == {"TEXTUAL_FPS": "12"}
