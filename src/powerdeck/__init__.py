"""powerdeck: the New NHS Alliance power shifting cards, with a private review log book."""

__version__ = "0.1.0"
