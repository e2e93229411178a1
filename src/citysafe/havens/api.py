"""The havens routers in one: the public finder and forms, the JSON API, and staff pages."""

from __future__ import annotations

from fastapi import APIRouter

from citysafe.havens import (
    api_evidence,
    api_network,
    api_public,
    api_venues,
    pages,
    pages_evidence,
    pages_venues,
)

router = APIRouter()
for part in (
    api_public.router,
    api_venues.router,
    api_network.router,
    api_evidence.router,
    pages.router,
    pages_venues.router,
    pages_evidence.router,
):
    router.include_router(part)
