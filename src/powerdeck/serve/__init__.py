"""`powerdeck serve`: host the deck for a team over SSH (the optional `serve` extra, on asyncssh)."""

__all__ = [
    "channel",
    "cli",
    "commands",
    "jobs",
    "keeper",
    "limits",
    "login",
    "parsed_css",
    "pool",
    "pty_input",
    "rehearsal",
    "served_app",
    "server",
    "session",
    "start_gate",
    "state",
    "users",
]
