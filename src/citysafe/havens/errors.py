"""What the havens services raise: a refusal naming the field, or a record not found."""

from __future__ import annotations


class HavenError(ValueError):
    """Input that cannot be stored as given; ``field`` names the field when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(LookupError):
    """No record with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"
