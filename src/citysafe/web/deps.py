"""Request-scoped things every route may use: the database session and the caller.

``authorise`` is the app's one global dependency. It finds who is calling
(a bearer API token, or the session cookie), applies the matched route's
``Access`` rule, and checks the CSRF token of every unsafe request that a
browser could have been tricked into sending.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from citysafe.accounts import service as accounts
from citysafe.accounts.models import User
from citysafe.audit.service import Actor
from citysafe.web.access import rule_of

SESSION_COOKIE = "citysafe_session"
ANON_CSRF_COOKIE = "citysafe_csrf"  # double-submit token for forms before sign-in
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class NotSignedIn(Exception):
    """No valid session or token: 401 for the API, the sign-in page for pages."""


class Forbidden(Exception):
    """Signed in, but this route is not for this caller."""

    def __init__(self, message: str = "you may not use this page or endpoint"):
        super().__init__(message)


class CsrfFailed(Exception):
    """An unsafe request without the right CSRF token."""


@dataclass(frozen=True)
class Caller:
    """Who is calling, and how they proved it."""

    user: User | None
    via: str  # "session", "token" or "anonymous"
    csrf_token: str | None = None
    session_token: str | None = None

    @property
    def roles(self) -> set[str] | None:
        return None if self.user is None else self.user.roles

    def actor(self, client: str | None) -> Actor:
        if self.user is None:
            return Actor(user_id=None, username=None, client=client)
        return accounts.actor_for(self.user, client)


def get_session(request: Request) -> Iterator[Session]:
    """A database session for the request; routes that write commit it themselves."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _caller(request: Request, session: Session) -> Caller:
    secret = request.app.state.secret
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.token_user(session, header[7:].strip(), secret)
        if user is None:
            raise NotSignedIn("the API token is unknown, revoked, or its user is disabled")
        session.commit()  # last_used_at
        return Caller(user, "token")
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        found = accounts.session_user(session, token, secret)
        session.commit()  # idle renewal, or removal of an expired session
        if found is not None:
            user, row = found
            return Caller(user, "session", row.csrf_token, token)
    return Caller(None, "anonymous")


async def _check_csrf(request: Request, caller: Caller) -> None:
    if request.method not in UNSAFE or caller.via == "token":
        return
    expected = (
        caller.csrf_token if caller.via == "session" else request.cookies.get(ANON_CSRF_COOKIE)
    )
    given = request.headers.get(CSRF_HEADER)
    if given is None and "form" in request.headers.get("content-type", ""):
        given = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(expected, given):
        raise CsrfFailed()


class BadText(Exception):
    """Text input holding a NUL character, which no field may hold (PostgreSQL refuses it)."""


async def _refuse_nul(request: Request) -> None:
    if "%00" in request.url.path + request.url.query or "\x00" in request.url.path:
        raise BadText()
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        body = await request.body()  # read once and kept by the request
        if b"\x00" in body or b"\\u0000" in body:
            raise BadText()
    elif "x-www-form-urlencoded" in content_type:
        form = await request.form()  # parsed once and kept by the request
        if any(isinstance(v, str) and "\x00" in v for v in form.values()):
            raise BadText()


async def authorise(request: Request, session: Session = Depends(get_session)) -> None:
    """Apply the matched route's access rule; refuse routes that declare none."""
    await _refuse_nul(request)
    caller = _caller(request, session)
    request.state.caller = caller
    rule = rule_of(request.scope.get("endpoint"))
    if rule is None:
        raise Forbidden("this endpoint declares no access rule, so it is closed")
    agency_kind = caller.user.agency.kind if caller.user else None
    if not rule.permits(caller.roles, agency_kind):
        if caller.user is None:
            raise NotSignedIn("sign in to use this page or endpoint")
        raise Forbidden()
    await _check_csrf(request, caller)


def current_caller(request: Request) -> Caller:
    return request.state.caller


def actor_of(request: Request) -> Actor:
    """The signed-in caller as the audit log names them, with the client's address."""
    return current_caller(request).actor(client_address(request))


def commit_audited(
    request: Request,
    session: Session,
    *,
    action: str,
    record_type: str,
    record_id: str | int | None = None,
    detail: dict | None = None,
) -> None:
    """Record the caller's action in the audit log and commit it with the change it made."""
    from citysafe.audit.service import record

    record(
        session,
        actor=actor_of(request),
        action=action,
        record_type=record_type,
        record_id=record_id,
        detail=detail,
    )
    session.commit()
