"""Demo logins: one user per role, with a fresh random password each time the demo starts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.accounts import service
from citysafe.accounts.models import User
from citysafe.accounts.roles import AgencyKind, Role

# (username, display name, agency, kind, role)
DEMO_USERS = (
    ("admin", "Alex Admin", "Demo City Council", AgencyKind.COUNCIL, Role.ADMIN),
    ("manager", "Morgan Manager", "Demo City Council", AgencyKind.COUNCIL, Role.MANAGER),
    ("caseworker", "Casey Worker", "citysafe Demo Police", AgencyKind.POLICE, Role.CASEWORKER),
    ("analyst", "Ari Analyst", "Demo City Council", AgencyKind.COUNCIL, Role.ANALYST),
    ("coordinator", "Cam Coordinator", "Demo Youth Service", AgencyKind.YOUTH, Role.COORDINATOR),
    ("viewer", "Vic Viewer", "Demo City Council", AgencyKind.COUNCIL, Role.VIEWER),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str


def reset_demo_logins(session: Session) -> list[DemoLogin]:
    """Make (or re-key) the demo users; the passwords are new every call."""
    logins = []
    for username, name, agency_name, kind, role in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            agency = service.ensure_agency(session, agency_name, kind)
            service.create_user(
                session,
                username=username,
                display_name=name,
                agency=agency,
                roles=[role],
                password=password,
            )
        else:
            service.set_password(session, user, password)
        logins.append(DemoLogin(username, role.value, password))
    return logins
