"""Settings from environment variables (``CITYSAFE_*``) and an optional TOML file.

The file is ``citysafe.toml`` in the working directory, or the path in
``CITYSAFE_CONFIG``. Environment variables win over the file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "sqlite:///citysafe.db"
DEMO_DATABASE_URL = "sqlite:///citysafe-demo.db"


def config_file() -> Path:
    """The TOML settings file in force (it need not exist)."""
    return Path(os.environ.get("CITYSAFE_CONFIG", "citysafe.toml"))


class Settings(BaseSettings):
    """Every setting citysafe reads; each is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="CITYSAFE_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store: a SQLite file or a PostgreSQL server.",
    )
    secret_key: str | None = Field(
        None,
        description="Key for session and token hashes: 32+ random characters; required to serve.",
    )
    tile_url: str = Field(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        description="Map tile URL template for map pages; pages still work when tiles fail.",
    )
    tile_attribution: str = Field(
        "&copy; OpenStreetMap contributors",
        description="Attribution shown under map tiles.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)


@lru_cache
def get_settings() -> Settings:
    return Settings()
