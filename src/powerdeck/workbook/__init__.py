"""The workbook: what the cards ask a person to make (voices and word clouds, the relationship
map, lists and memos), kept beside the review log. The model here has no Textual import."""

KINDS = ("voices", "map", "notes", "list", "memo")
"""What a card may ask a person to make. Here, not in model.py: the deck's checks (deck_check.py)
need the names at every start, the model only once there is a worksheet."""

__all__ = [
    "KINDS",
    "cloud",
    "cloud_svg",
    "model",
    "notes",
    "relmap",
    "text_width",
    "voices",
]
