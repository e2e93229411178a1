"""What the home-security services raise."""

from __future__ import annotations


class HomesError(ValueError):
    """A request the programme refuses, with a message for the person who made it."""


class NotFound(LookupError):
    """No such household, job, team or item."""
