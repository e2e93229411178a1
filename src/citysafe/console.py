"""What every command shares: the consoles, and the store opened or a clean exit."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy import Engine

from citysafe import db
from citysafe.config import get_settings

out = Console(soft_wrap=True)  # the terminal wraps text; tables lay themselves out
err = Console(stderr=True, soft_wrap=True)  # never break a message naming a file


def open_store(url: str | None = None) -> Engine:
    """The store's engine, its schema created if new; exit 2 if it is out of date."""
    engine = db.make_engine(url or get_settings().database_url)
    try:
        db.ensure_schema(engine)
    except db.SchemaError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    return engine
