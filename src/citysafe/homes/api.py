"""The homes routers in one: the JSON API and the staff pages."""

from __future__ import annotations

from fastapi import APIRouter

from citysafe.homes import (
    api_jobs,
    api_programme,
    api_requests,
    api_visits,
    pages,
    pages_requests,
    pages_visits,
)

router = APIRouter()
for part in (
    api_programme.router,
    api_jobs.router,
    api_visits.router,
    api_requests.router,
    pages.router,
    pages_visits.router,
    pages_requests.router,
):
    router.include_router(part)
