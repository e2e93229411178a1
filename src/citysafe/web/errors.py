"""Errors as the client expects them: JSON under /api, pages elsewhere; never a traceback."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from citysafe.web.deps import BadText, CsrfFailed, Forbidden, NotSignedIn
from citysafe.web.render import render

log = logging.getLogger("citysafe.web")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/health",)


def _error(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return render(
        request,
        "error.html",
        {"status": status, "message": message},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"detail": str(error)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden) -> Response:
        return _error(request, 403, str(error))

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, error: CsrfFailed) -> Response:
        return _error(
            request,
            403,
            "the form's security token is missing or out of date: reload the page and try again",
        )

    @app.exception_handler(BadText)
    async def bad_text(request: Request, error: BadText) -> Response:
        return _error(request, 422, "text may not contain NUL characters")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else "request refused"
        return _error(request, error.status_code, message, getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None,
                "message": e.get("msg", "invalid"),
            }
            for e in error.errors()
        ]
        if wants_json(request):
            return JSONResponse(
                {"detail": "invalid request", "problems": problems}, status_code=422
            )
        text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return _error(request, 422, f"the request is not valid: {text}")

    @app.exception_handler(Exception)
    async def crash(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(request, 500, "something went wrong on our side; it has been logged")
