"""The havens routers in one: the public finder and forms, the JSON API, and staff pages."""

from __future__ import annotations

from fastapi import APIRouter

from citysafe.havens import api_network, api_public, api_venues, pages, pages_venues

router = APIRouter()
for part in (
    api_public.router,
    api_venues.router,
    api_network.router,
    pages.router,
    pages_venues.router,
):
    router.include_router(part)
