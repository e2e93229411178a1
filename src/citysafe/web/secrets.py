"""The app's secret key: required, and never a placeholder, outside the demo."""

from __future__ import annotations

import secrets

PLACEHOLDERS = {"", "secret", "changeme", "change-me", "change_me", "replace-me", "insecure"}
MIN_LENGTH = 32


class ConfigError(RuntimeError):
    """The app cannot start with these settings."""


def resolve_secret(configured: str | None, *, demo: bool) -> str:
    """The key to use; a fresh random one in demo mode when none is set."""
    if (
        configured
        and configured.strip().lower() not in PLACEHOLDERS
        and len(configured) >= MIN_LENGTH
    ):
        return configured
    if demo:
        return (
            configured
            if configured and len(configured) >= MIN_LENGTH
            else secrets.token_urlsafe(48)
        )
    raise ConfigError(
        "CITYSAFE_SECRET_KEY is not set, or is a placeholder or shorter than "
        f"{MIN_LENGTH} characters: set it to a long random value, for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    )
