"""deck/: the card deck: its model (frozen dataclasses), a deck file's text checked into it,
and the checked deck cached as JSON so a start need not parse YAML. The deck file itself is
`src/powerdeck/deck.yaml`. No Textual."""

__all__ = [
    "cache",
    "check",
    "model",
]
