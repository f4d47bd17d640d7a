"""The workbook: what the cards ask a person to make (voices and word clouds, the relationship
map, lists and memos), kept beside the review log. The model here has no Textual import."""

from powerdeck.core.fields import WORKSHEET_KINDS as KINDS

__all__ = ["KINDS"]
"""KINDS: what a card may ask a person to make, defined with every other field in core/fields.py."""
