"""core/: the shared vocabulary every layer speaks: a review log entry and its filter, the
dates a person types and the periods a review covers, text made safe to show, and the one
base class of every error a person may see. No I/O and no Textual."""

__all__ = [
    "dates",
    "entry",
    "errors",
    "fields",
    "follow_up",
    "text",
]
