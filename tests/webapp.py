"""Fixtures for tests of the web app: the app, a client, one signed-in user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from citysafe import db
from citysafe.accounts import service as accounts
from citysafe.accounts.roles import AgencyKind, Role
from citysafe.config import Settings
from citysafe.web.app import create_app

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def app(engine, database_url):
    return create_app(Settings(database_url=database_url, secret_key=SECRET), engine=engine)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def people(app, engine) -> dict[str, Person]:
    """A user of each role (police agency for caseworkers, council otherwise), with a token."""
    out = {}
    with db.session_scope(engine) as session:
        council = accounts.ensure_agency(session, "Test Council", AgencyKind.COUNCIL)
        police = accounts.ensure_agency(session, "Test Police", AgencyKind.POLICE)
        for role in Role:
            agency = police if role == Role.CASEWORKER else council
            user = accounts.create_user(
                session,
                username=role.value,
                display_name=role.title(),
                agency=agency,
                roles=[role.value],
                password=PASSWORD,
            )
            token, _ = accounts.create_api_token(session, user, "tests", app.state.secret)
            out[role.value] = Person(role.value, role.value, token)
    return out


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next: str = "/dashboard"):
    """Sign in through the form, as a browser does; returns the response."""
    client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "next": next,
            "csrf_token": client.cookies.get("citysafe_csrf"),
        },
        follow_redirects=False,
    )
