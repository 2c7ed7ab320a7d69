"""A planted pickle for the cache tests and the hostile-case bench: loading it leaves a marker file, the proof that a
cache file ran code."""


class Planted:
    """A pickle that, if ever loaded, creates ``marker`` (and does nothing else)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))
