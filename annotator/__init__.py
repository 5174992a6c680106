"""annotator: coding Arabic conflict news."""

__version__ = "0.1.0"
