"""Server-side pages: one Jinja environment over every domain's ``templates/`` folder.

A domain keeps its templates in ``<domain>/templates/<domain>/``, so names
never collide (``havens/venue.html``); the shared layout lives here.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.responses import RedirectResponse, Response

from citysafe import disclosure
from citysafe.web.access import rule_of
from citysafe.web.nav import NAV
from citysafe.web.routes import endpoints

PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    folders = [PACKAGE / "web" / "templates"] + sorted(
        p for p in PACKAGE.glob("*/templates") if p.parent.name != "web"
    )
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
        autoescape=select_autoescape(["html", "xml"]),
    )
    environment.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    environment.filters["pounds"] = pounds
    environment.filters["fixed"] = fixed
    environment.filters["small_count"] = disclosure.show  # the small-count rule, for public pages
    return Jinja2Templates(env=environment)


def back_to(path: str, anchor: str = "") -> RedirectResponse:
    """After a form's post: back to a page (303, so a reload does not post again)."""
    return RedirectResponse(path + (f"#{anchor}" if anchor else ""), status_code=303)


def pounds(value) -> str:
    """£1,234 (whole pounds); "n/a" where there is no figure (None or NaN)."""
    if value is None or value != value:
        return "n/a"
    return f"£{value:,.0f}"


def fixed(value, digits: int = 1) -> str:
    """A number to ``digits`` places; "n/a" where there is no figure (None or NaN)."""
    if value is None or value != value:
        return "n/a"
    return f"{value:,.{digits}f}"


def _nav(request: Request, caller) -> list[tuple[str, str]]:
    """The staff menu: only the pages this caller may open."""
    if caller is None or caller.user is None:
        return []
    pages = {path: endpoint for method, path, endpoint in endpoints(request.app) if method == "GET"}
    shown = []
    for label, path in NAV:
        rule = rule_of(pages.get(path))
        if rule is not None and rule.permits(caller.roles, caller.user.agency.kind):
            shown.append((label, path))
    return shown


def render(
    request: Request,
    name: str,
    context: dict | None = None,
    *,
    status_code: int = 200,
    headers: dict | None = None,
) -> Response:
    caller = getattr(request.state, "caller", None)
    anonymous_csrf = None
    if caller is None or caller.via != "session":
        anonymous_csrf = request.cookies.get("citysafe_csrf") or secrets.token_urlsafe(32)
    values = {
        "request": request,
        "caller": caller,
        "user": caller.user if caller else None,
        "csrf_token": caller.csrf_token if caller and caller.via == "session" else anonymous_csrf,
        "nav": _nav(request, caller),
        "settings": request.app.state.settings,
        "demo": request.app.state.demo,
        **(context or {}),
    }
    response = templates().TemplateResponse(
        request, name, values, status_code=status_code, headers=headers
    )
    if anonymous_csrf and request.cookies.get("citysafe_csrf") != anonymous_csrf:
        response.set_cookie(
            "citysafe_csrf",
            anonymous_csrf,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response
