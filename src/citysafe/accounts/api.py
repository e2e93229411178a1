"""Sign in and out, the account page, API tokens, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citysafe.accounts import service
from citysafe.accounts.roles import Role
from citysafe.accounts.schemas import (
    PasswordChange,
    TokenCreate,
    TokenRead,
    UserCreate,
    UserRead,
    user_read,
)
from citysafe.audit import service as audit
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import (
    SESSION_COOKIE,
    client_address,
    commit_audited,
    current_caller,
    get_session,
)
from citysafe.web.render import render

router = APIRouter()
DbSession = Annotated[Session, Depends(get_session)]


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/dashboard"


@router.get("/login", include_in_schema=False)
@allow(public=True)
def login_page(request: Request, next: str | None = None):
    return render(request, "accounts/login.html", {"next": _safe_next(next)})


@router.post("/login", include_in_schema=False)
@allow(public=True)
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
):
    actor = current_caller(request).actor(client_address(request))
    try:
        user = service.authenticate(session, username.strip().lower(), password)
    except service.LoginRefused as refused:
        audit.record(
            session, actor=actor, action="login-failed", record_type="user", record_id=username[:64]
        )
        session.commit()
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        status = 429 if refused.retry_after else 401
        return render(
            request,
            "accounts/login.html",
            {"error": str(refused), "next": _safe_next(next), "username": username},
            status_code=status,
            headers=headers,
        )
    signed_in = service.start_session(session, user, request.app.state.secret)
    audit.record(
        session,
        actor=service.actor_for(user, actor.client),
        action="login",
        record_type="user",
        record_id=user.id,
    )
    session.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/logout", include_in_schema=False)
@allow(*ANY_STAFF)
def logout(request: Request, session: DbSession):
    caller = current_caller(request)
    if caller.session_token:
        service.end_session(session, caller.session_token, request.app.state.secret)
    commit_audited(request, session, action="logout", record_type="user", record_id=caller.user.id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", include_in_schema=False)
@allow(*ANY_STAFF)
def account_page(request: Request):
    return render(request, "accounts/account.html")


@router.post("/account/password", include_in_schema=False)
@allow(*ANY_STAFF)
def change_password_form(
    request: Request,
    session: DbSession,
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
):
    caller = current_caller(request)
    try:
        service.change_password(session, caller.user, current_password, new_password)
    except service.AccountError as error:
        return render(request, "accounts/account.html", {"error": str(error)}, status_code=422)
    commit_audited(
        request, session, action="password-change", record_type="user", record_id=caller.user.id
    )
    response = RedirectResponse("/login?next=/account", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/api/me", response_model=UserRead, tags=["accounts"])
@allow(*ANY_STAFF)
def me(request: Request) -> UserRead:
    """The signed-in user (or the API token's user)."""
    return user_read(current_caller(request).user)


@router.post("/api/me/password", status_code=204, tags=["accounts"])
@allow(*ANY_STAFF)
def change_password(request: Request, session: DbSession, body: PasswordChange) -> Response:
    """Change your password; every web session of yours ends."""
    caller = current_caller(request)
    try:
        service.change_password(session, caller.user, body.current_password, body.new_password)
    except service.AccountError as error:
        raise HTTPException(422, str(error)) from None
    commit_audited(
        request, session, action="password-change", record_type="user", record_id=caller.user.id
    )
    return Response(status_code=204)


@router.post("/api/tokens", response_model=TokenRead, status_code=201, tags=["accounts"])
@allow(*ANY_STAFF)
def create_token(request: Request, session: DbSession, body: TokenCreate) -> TokenRead:
    """A bearer token for scripts, acting as you; shown once."""
    caller = current_caller(request)
    token, row = service.create_api_token(session, caller.user, body.name, request.app.state.secret)
    commit_audited(request, session, action="create", record_type="api_token", record_id=row.id)
    return TokenRead(name=row.name, token=token)


@router.get("/api/users", response_model=list[UserRead], tags=["accounts"])
@allow(Role.ADMIN)
def list_users(request: Request, session: DbSession) -> list[UserRead]:
    """Every user, with agency and roles (admins only; the read is audited)."""
    found = [user_read(u) for u in service.users(session)]
    commit_audited(
        request,
        session,
        action="read",
        record_type="user",
        record_id="all",
        detail={"count": len(found)},
    )
    return found


@router.post("/api/users", response_model=UserRead, status_code=201, tags=["accounts"])
@allow(Role.ADMIN)
def create_user(request: Request, session: DbSession, body: UserCreate) -> UserRead:
    """Create a user in an agency (made if new) with roles (admins only)."""
    try:
        agency = service.ensure_agency(session, body.agency, body.agency_kind)
        user = service.create_user(
            session,
            username=body.username,
            display_name=body.display_name,
            agency=agency,
            roles=[r.value for r in body.roles],
            password=body.password,
        )
    except service.AccountError as error:
        raise HTTPException(422, str(error)) from None
    commit_audited(request, session, action="create", record_type="user", record_id=user.id)
    return user_read(user)


@router.post("/api/users/{username}/disable", response_model=UserRead, tags=["accounts"])
@allow(Role.ADMIN)
def disable_user(request: Request, session: DbSession, username: str) -> UserRead:
    """Stop a user signing in; ends their sessions and revokes their tokens."""
    try:
        user = service.disable_user(session, username)
    except service.AccountError as error:
        raise HTTPException(404, str(error)) from None
    commit_audited(request, session, action="disable", record_type="user", record_id=user.id)
    return user_read(user)
