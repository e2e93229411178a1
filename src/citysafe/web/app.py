"""The FastAPI app factory: settings, database, routers, static files, errors."""

from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet as leaflet
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from citysafe import __version__, db
from citysafe.config import Settings, get_settings
from citysafe.web import errors
from citysafe.web.deps import authorise
from citysafe.web.secrets import resolve_secret

STATIC = Path(__file__).with_name("static")


def routers() -> list:
    """Every domain's router, in menu order; a domain adds itself here."""
    from citysafe.accounts.api import router as accounts
    from citysafe.areas.api import router as areas
    from citysafe.audit.api import router as audit
    from citysafe.crime.api import router as crime
    from citysafe.havens.api import router as havens
    from citysafe.homes.api import router as homes
    from citysafe.hotspots.api import router as hotspots
    from citysafe.schemes.api import router as schemes
    from citysafe.web.pages import router as pages

    return [pages, areas, crime, hotspots, schemes, havens, homes, accounts, audit]


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    demo: bool = False,
) -> FastAPI:
    """Build the app; refuses a placeholder secret key unless ``demo``."""
    settings = settings or get_settings()
    secret = resolve_secret(settings.secret_key, demo=demo)
    if engine is None:
        engine = db.make_engine(settings.database_url)
    db.ensure_schema(engine)
    app = FastAPI(
        title="citysafe",
        version=__version__,
        description="A community safety partnership's schemes, and the evidence for them.",
        dependencies=[Depends(authorise)],
    )
    app.state.engine, app.state.secret = engine, secret
    app.state.settings, app.state.demo = settings, demo
    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in routers():
        app.include_router(router)
    errors.install(app)
    return app
