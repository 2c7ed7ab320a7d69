"""The one error a user sees: a load, a setting or a fit that cannot go on, in one safe line."""

from __future__ import annotations


class DataError(ValueError):
    """A load that cannot go on. The message is one human line, safe to show."""
