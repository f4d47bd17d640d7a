"""`powerdeck serve`: host the deck for a team over SSH (the optional `serve` extra, on asyncssh)."""
