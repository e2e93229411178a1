"""Use cases of accounts: users, sign-in with throttling, sessions, API tokens.

Passwords are hashed with Argon2id (argon2-cffi's defaults). Session and API
tokens are random, shown to the client once, and stored only as an HMAC with
the app's secret key, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from citysafe.accounts.models import Agency, ApiToken, User, UserRole, WebSession
from citysafe.accounts.roles import AgencyKind, Role
from citysafe.audit.service import Actor

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD = 12  # NCSC: length beats complexity rules
SLOW_AFTER = 3  # failures before each further try must wait
LOCK_AFTER = 10  # failures before the account locks
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=60)
SESSION_MAX = timedelta(hours=12)

_hasher = PasswordHasher()
# verified against for unknown usernames, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a real password, never matches")


class AccountError(ValueError):
    """A request about accounts that cannot be done as asked."""


class LoginRefused(Exception):
    """Sign-in refused; ``retry_after`` (seconds) is set when the caller must wait."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written as UTC."""
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def keyed_hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def actor_for(user: User, client: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        agency=user.agency.name,
        agency_kind=user.agency.kind,
        roles=frozenset(user.roles),
        client=client,
    )


def ensure_agency(session: Session, name: str, kind: str) -> Agency:
    """The agency of this name, made if new; its kind must be one of ``AgencyKind``."""
    if kind not in set(AgencyKind):
        raise AccountError(f"agency kind {kind!r} is not one of: {', '.join(AgencyKind)}")
    agency = session.scalars(select(Agency).where(Agency.name == name)).first()
    if agency is None:
        agency = Agency(name=name, kind=kind)
        session.add(agency)
        session.flush()
    elif agency.kind != kind:
        raise AccountError(f"agency {name!r} is already a {agency.kind}, not a {kind}")
    return agency


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise AccountError("a password may have at most 1,024 characters")


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    agency: Agency,
    roles: list[str],
    password: str,
) -> User:
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "a username is 2-64 lower-case letters, digits, dots, dashes or underscores"
        )
    unknown = sorted(set(roles) - set(Role))
    if unknown or not roles:
        raise AccountError(f"roles must be some of: {', '.join(Role)} (got {roles})")
    if session.scalars(select(User).where(User.username == username)).first():
        raise AccountError(f"there is already a user {username!r}")
    check_password(password)
    user = User(
        username=username,
        display_name=display_name.strip()[:200] or username,
        agency_id=agency.id,
        password_hash=_hasher.hash(password),
        active=True,
        created_at=_now(),
        failed_logins=0,
        role_rows=[UserRole(role=r) for r in sorted(set(roles))],
    )
    session.add(user)
    session.flush()
    session.refresh(user)
    return user


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def user_named(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise AccountError(f"there is no user {username!r}")
    return user


def disable_user(session: Session, username: str) -> User:
    """Stop a user signing in, and end their sessions and tokens."""
    user = user_named(session, username)
    user.active = False
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        token.revoked_at = token.revoked_at or _now()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The user whose password this is; failures are counted, slowed and then locked.

    After ``SLOW_AFTER`` failures in a row each further attempt must wait
    2^(n - SLOW_AFTER) seconds after the last; after ``LOCK_AFTER`` the account
    is locked for ``LOCK_FOR``. A success resets the count.
    """
    now = _now()
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        raise LoginRefused("wrong username or password")
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        wait = int((locked_until - now).total_seconds()) + 1
        raise LoginRefused(f"too many failed sign-ins: try again in {wait} s", wait)
    last_failed = _aware(user.last_failed_at)
    if user.failed_logins >= SLOW_AFTER and last_failed is not None:
        ready = last_failed + timedelta(seconds=2 ** (user.failed_logins - SLOW_AFTER))
        if ready > now:
            wait = int((ready - now).total_seconds()) + 1
            raise LoginRefused(f"too many failed sign-ins: try again in {wait} s", wait)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        user.last_failed_at = now
        if user.failed_logins >= LOCK_AFTER:
            user.locked_until = now + LOCK_FOR
        raise LoginRefused("wrong username or password")
    user.failed_logins, user.last_failed_at, user.locked_until = 0, None, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not _verify(user.password_hash, current):
        raise AccountError("the current password is wrong")
    set_password(session, user, new)


def set_password(session: Session, user: User, new: str) -> None:
    """Set a new password, unlock the account, and end every sign-in with the old one."""
    check_password(new)
    user.password_hash = _hasher.hash(new)
    user.failed_logins, user.last_failed_at, user.locked_until = 0, None, None
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


@dataclass(frozen=True)
class SignedIn:
    """A web session: the cookie's token (shown once) and the form token."""

    token: str
    csrf_token: str
    user: User


def start_session(session: Session, user: User, secret: str) -> SignedIn:
    token = secrets.token_urlsafe(32)
    now = _now()
    row = WebSession(
        token_hash=keyed_hash(secret, token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_MAX,
    )
    session.add(row)
    session.flush()
    return SignedIn(token, row.csrf_token, user)


def session_user(session: Session, token: str, secret: str) -> tuple[User, WebSession] | None:
    """The live session's user, its idle time renewed; None when unknown or expired."""
    row = session.scalars(
        select(WebSession).where(WebSession.token_hash == keyed_hash(secret, token))
    ).first()
    if row is None:
        return None
    now = _now()
    if _aware(row.expires_at) <= now or _aware(row.last_seen_at) + SESSION_IDLE <= now:
        session.delete(row)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - _aware(row.last_seen_at) > timedelta(minutes=1):  # spare a write per request
        row.last_seen_at = now
    return user, row


def end_session(session: Session, token: str, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == keyed_hash(secret, token)))


def create_api_token(session: Session, user: User, name: str, secret: str) -> tuple[str, ApiToken]:
    token = "cs_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name.strip()[:100] or "token",
        token_hash=keyed_hash(secret, token),
        created_at=_now(),
    )
    session.add(row)
    session.flush()
    return token, row


def token_user(session: Session, token: str, secret: str) -> User | None:
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == keyed_hash(secret, token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = _now()
    return user
