"""The smallest terminal the app lays out in; below it TooSmallScreen (too_small.py) shows instead.

Its own module so the app checks every size without loading that screen's module (start-up).
"""

MIN_WIDTH = 60
MIN_HEIGHT = 18
