"""Sign-in, sessions, CSRF, throttling and lockout, API tokens, password change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from citysafe import db
from citysafe.accounts import service as accounts
from citysafe.accounts.models import User, WebSession
from citysafe.config import Settings
from citysafe.web.app import create_app
from citysafe.web.secrets import ConfigError
from tests.webapp import PASSWORD, sign_in


def test_sign_in_sets_a_protected_cookie_and_opens_the_dashboard(client, people):
    response = sign_in(client, "analyst")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"]
    assert "citysafe_session=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain http in tests; https requests get Secure
    assert client.get("/dashboard").status_code == 200


def test_the_login_form_needs_its_csrf_token(client, people):
    client.get("/login")
    response = client.post("/login", data={"username": "analyst", "password": PASSWORD})
    assert response.status_code == 403
    assert "security token" in response.text


def test_a_signed_in_form_post_needs_the_session_csrf_token(client, people):
    sign_in(client, "analyst")
    refused = client.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/dashboard").status_code == 200  # still signed in
    page = client.get("/account").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    after = client.get("/dashboard", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


def test_a_cookie_api_call_that_writes_needs_the_csrf_header(client, people):
    sign_in(client, "analyst")
    assert client.post("/api/tokens", json={"name": "x"}).status_code == 403
    page = client.get("/account").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    made = client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token})
    assert made.status_code == 201 and made.json()["token"].startswith("cs_")


def test_wrong_password_then_slowed_then_locked(client, people, engine):
    for _ in range(3):
        assert sign_in(client, "viewer", "wrong password!!").status_code == 401
    slowed = sign_in(client, "viewer", "wrong password!!")
    assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) >= 1
    # even the right password waits while slowed
    assert sign_in(client, "viewer").status_code == 429
    with db.session_scope(engine) as session:  # let the waiting time pass, 10 failures in all
        session.execute(
            update(User)
            .where(User.username == "viewer")
            .values(failed_logins=9, last_failed_at=datetime.now(UTC) - timedelta(hours=1))
        )
    assert sign_in(client, "viewer", "wrong password!!").status_code == 401
    locked = sign_in(client, "viewer")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 800
    with db.session_scope(engine) as session:
        session.execute(
            update(User)
            .where(User.username == "viewer")
            .values(
                locked_until=datetime.now(UTC) - timedelta(seconds=1),
                last_failed_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )
    assert sign_in(client, "viewer").status_code == 303


def test_unknown_users_and_disabled_users_cannot_sign_in(client, people, engine):
    assert sign_in(client, "nobody").status_code == 401
    with db.session_scope(engine) as session:
        accounts.disable_user(session, "analyst")
    assert sign_in(client, "analyst").status_code == 401
    assert client.get("/api/me", headers=people["analyst"].headers).status_code == 401


def test_an_expired_session_sends_the_browser_to_sign_in(client, people, engine):
    sign_in(client, "analyst")
    with db.session_scope(engine) as session:
        session.execute(
            update(WebSession).values(last_seen_at=datetime.now(UTC) - timedelta(hours=2))
        )
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303 and "/login?next=/dashboard" in response.headers["location"]
    assert client.get("/api/me").status_code == 401


def test_tokens_act_as_their_user_and_unknown_tokens_are_refused(client, people):
    me = client.get("/api/me", headers=people["caseworker"].headers)
    assert me.status_code == 200
    assert me.json()["roles"] == ["caseworker"] and me.json()["agency_kind"] == "police"
    bad = client.get("/api/me", headers={"Authorization": "Bearer cs_made_up"})
    assert bad.status_code == 401 and "token" in bad.json()["detail"]


def test_changing_the_password_ends_sessions_and_takes_the_new_one(client, people):
    headers = people["analyst"].headers
    wrong = client.post(
        "/api/me/password",
        headers=headers,
        json={"current_password": "nope", "new_password": "x" * 12},
    )
    assert wrong.status_code == 422
    short = client.post(
        "/api/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "short"},
    )
    assert short.status_code == 422
    done = client.post(
        "/api/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "a new long password"},
    )
    assert done.status_code == 204
    assert sign_in(client, "analyst").status_code == 401
    assert sign_in(client, "analyst", "a new long password").status_code == 303


def test_no_open_redirect_after_sign_in(client, people):
    response = sign_in(client, "analyst", next="https://evil.example/")
    assert response.headers["location"] == "/dashboard"


@pytest.mark.parametrize("key", [None, "", "changeme", "short-but-not-placeholder"])
def test_the_app_refuses_a_missing_or_placeholder_secret(engine, database_url, key):
    with pytest.raises(ConfigError, match="CITYSAFE_SECRET_KEY"):
        create_app(Settings(database_url=database_url, secret_key=key), engine=engine)
    demo = create_app(Settings(database_url=database_url, secret_key=key), engine=engine, demo=True)
    assert len(demo.state.secret) >= 32


def test_password_hashes_are_argon2_and_never_the_password(people, engine):
    with db.session_scope(engine) as session:
        stored = session.scalars(select(User.password_hash)).all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)


def test_bad_requests_get_clear_4xx_not_500(client, people):
    headers = people["admin"].headers
    assert client.get("/no/such/page").status_code == 404
    malformed = client.post(
        "/api/users", headers={**headers, "content-type": "application/json"}, content=b"{not json"
    )
    assert malformed.status_code == 422
    too_long = client.post(
        "/api/users",
        headers=headers,
        json={
            "username": "x" * 500,
            "display_name": "X",
            "agency": "A",
            "agency_kind": "council",
            "roles": ["viewer"],
            "password": PASSWORD,
        },
    )
    assert too_long.status_code == 422
    assert "problems" in too_long.json() and "Traceback" not in too_long.text
    unknown = client.post("/api/users/nobody/disable", headers=headers)
    assert unknown.status_code == 404 and "nobody" in unknown.json()["detail"]


def test_nul_characters_are_refused_before_they_reach_the_database(client, people):
    headers = people["admin"].headers
    body = {
        "username": "nul-user",
        "display_name": "X",
        "agency": "\u0000",
        "agency_kind": "council",
        "roles": ["viewer"],
        "password": PASSWORD,
    }
    refused = client.post("/api/users", headers=headers, json=body)
    assert refused.status_code == 422 and "NUL" in refused.json()["detail"]
    assert client.get("/api/audit?username=%00", headers=headers).status_code == 422


def test_a_page_asks_for_sign_in_and_comes_back_with_its_whole_query(client, people):
    response = client.get("/map?month=2024-01&mode=grid", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/map%3Fmonth%3D2024-01%26mode%3Dgrid"
    done = sign_in(client, "analyst", next="/map?month=2024-01&mode=grid")
    assert done.headers["location"] == "/map?month=2024-01&mode=grid"
