"""The one exception that ingestion raises for problems a user has to fix."""

from __future__ import annotations


class IngestError(Exception):
    """A fatal ingestion problem, with a message that says what to do about it."""
