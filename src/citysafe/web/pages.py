"""Pages of the shell: the public start page, the staff dashboard, and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request

from citysafe import __version__
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.render import render

router = APIRouter()


@router.get("/health", tags=["system"])
@allow(public=True)
def health(request: Request) -> dict:
    """Liveness: answers 200 with the version when the app is up."""
    return {"status": "ok", "version": __version__}


@router.get("/", include_in_schema=False)
@allow(public=True)
def home(request: Request):
    return render(request, "home.html")


@router.get("/dashboard", include_in_schema=False)
@allow(*ANY_STAFF)
def dashboard(request: Request):
    return render(request, "dashboard.html")
