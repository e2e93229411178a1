"""citysafe: a platform for community safety partnerships."""

__version__ = "0.1.0"
