"""Every route of the app, for every role and for anonymous callers, against one table.

A new route without a row here fails the suite; so does a row whose rule differs
from what the app enforces.
"""

from __future__ import annotations

import re

import pytest

from citysafe.accounts.roles import Role
from citysafe.web.routes import endpoints

ALL = {r.value for r in Role}
PUBLIC = "public"
ADMIN = {"admin"}
HAVEN_RUNS = {"coordinator", "admin"}
HOMES_RUNS = {"manager", "admin"}
HOMES_WORKS = {"manager", "coordinator", "admin"}

# (method, path) -> who may use it: PUBLIC, or the set of roles
ACCESS_TABLE: dict[tuple[str, str], str | set[str]] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): ALL,
    ("GET", "/dashboard"): ALL,
    ("GET", "/account"): ALL,
    ("POST", "/account/password"): ALL,
    ("GET", "/api/me"): ALL,
    ("POST", "/api/me/password"): ALL,
    ("POST", "/api/tokens"): ALL,
    ("GET", "/api/users"): ADMIN,
    ("POST", "/api/users"): ADMIN,
    ("POST", "/api/users/{username}/disable"): ADMIN,
    ("GET", "/api/audit"): ADMIN,
    ("GET", "/api/audit/verify"): ADMIN,
    ("GET", "/audit"): ADMIN,
    ("GET", "/area"): PUBLIC,
    ("GET", "/area/{kind}/{code}"): PUBLIC,
    ("GET", "/api/public/areas"): PUBLIC,
    ("GET", "/api/public/areas/{kind}/{code}/crimes"): PUBLIC,
    ("GET", "/map"): ALL,
    ("GET", "/api/crimes/summary"): ALL,
    ("GET", "/api/crimes/figures"): ALL,
    ("GET", "/api/crimes/map"): ALL,
    ("GET", "/api/areas"): ALL,
    ("GET", "/api/areas/{kind}/{code}"): ALL,
    ("GET", "/api/areas/{kind}/{code}/crimes"): ALL,
    ("POST", "/api/areas/import"): {"admin", "analyst"},
    ("GET", "/api/hotspots"): ALL,
    ("GET", "/api/nearrepeat"): ALL,
    ("GET", "/api/density"): ALL,
    ("GET", "/api/emerging"): ALL,
    ("GET", "/api/schemes"): ALL,
    ("POST", "/api/schemes"): {"admin", "analyst", "manager", "coordinator"},
    ("GET", "/api/schemes/{name}/evaluation"): ALL,
    ("GET", "/schemes/{name}/report"): ALL,
    # Safe Havens: the public finder and forms; staff read; the coordinator (and admins) run it
    ("GET", "/safe-havens"): PUBLIC,
    ("GET", "/safe-havens/figures"): PUBLIC,
    ("GET", "/safe-havens/nominate"): PUBLIC,
    ("POST", "/safe-havens/nominate"): PUBLIC,
    ("GET", "/api/havens/nearest"): PUBLIC,
    ("GET", "/api/havens/places"): PUBLIC,
    ("GET", "/api/public/havens/figures"): PUBLIC,
    ("GET", "/havens"): ALL,
    ("GET", "/havens/venues"): ALL,
    ("GET", "/havens/venues/{venue_id}"): ALL,
    ("GET", "/havens/usage"): ALL,
    ("GET", "/havens/outreach"): ALL,
    ("GET", "/havens/coverage"): ALL,
    ("GET", "/havens/nominations"): HAVEN_RUNS,
    ("POST", "/havens/venues"): HAVEN_RUNS,
    ("POST", "/havens/venues/{venue_id}/details"): HAVEN_RUNS,
    ("POST", "/havens/venues/{venue_id}/status"): HAVEN_RUNS,
    ("POST", "/havens/venues/{venue_id}/hours"): HAVEN_RUNS,
    ("POST", "/havens/venues/{venue_id}/exceptions"): HAVEN_RUNS,
    ("POST", "/havens/venues/{venue_id}/hardening"): HAVEN_RUNS,
    ("POST", "/havens/venues/{venue_id}/staff"): HAVEN_RUNS,
    ("POST", "/havens/staff/{staff_id}/courses"): HAVEN_RUNS,
    ("POST", "/havens/staff/{staff_id}/shifts"): HAVEN_RUNS,
    ("POST", "/havens/courses/{course_id}/expire"): HAVEN_RUNS,
    ("POST", "/havens/uses"): HAVEN_RUNS,
    ("POST", "/havens/outreach"): HAVEN_RUNS,
    ("POST", "/havens/nominations/{nomination_id}/review"): HAVEN_RUNS,
    ("GET", "/api/havens/venues"): ALL,
    ("GET", "/api/havens/venues/{venue_id}"): ALL,
    ("GET", "/api/havens/uses/summary"): ALL,
    ("GET", "/api/havens/outreach"): ALL,
    ("GET", "/api/havens/coverage"): ALL,
    ("POST", "/api/havens/siting"): {"analyst", "coordinator", "admin", "manager"},
    ("GET", "/havens/evidence"): ALL,
    ("GET", "/api/havens/evidence"): ALL,
    ("POST", "/havens/evidence"): {"analyst", "coordinator", "admin", "manager"},
    ("POST", "/api/havens/evidence/scheme"): {"analyst", "coordinator", "admin", "manager"},
    ("GET", "/api/havens/export"): HAVEN_RUNS | {"analyst"},
    ("GET", "/api/havens/check"): HAVEN_RUNS,
    ("POST", "/api/havens/import"): HAVEN_RUNS,
    ("POST", "/api/havens/venues"): HAVEN_RUNS,
    ("PATCH", "/api/havens/venues/{venue_id}"): HAVEN_RUNS,
    ("PUT", "/api/havens/venues/{venue_id}/hours"): HAVEN_RUNS,
    ("POST", "/api/havens/venues/{venue_id}/exceptions"): HAVEN_RUNS,
    ("DELETE", "/api/havens/venues/{venue_id}/exceptions/{exception_id}"): HAVEN_RUNS,
    ("POST", "/api/havens/venues/{venue_id}/status"): HAVEN_RUNS,
    ("POST", "/api/havens/venues/{venue_id}/hardening"): HAVEN_RUNS,
    ("GET", "/api/havens/venues/{venue_id}/staff"): HAVEN_RUNS,
    ("POST", "/api/havens/venues/{venue_id}/staff"): HAVEN_RUNS,
    ("PATCH", "/api/havens/staff/{staff_id}"): HAVEN_RUNS,
    ("POST", "/api/havens/staff/{staff_id}/courses"): HAVEN_RUNS,
    ("PUT", "/api/havens/staff/{staff_id}/shifts"): HAVEN_RUNS,
    ("POST", "/api/havens/courses/{course_id}/expire"): HAVEN_RUNS,
    ("GET", "/api/havens/uses"): HAVEN_RUNS,
    ("POST", "/api/havens/uses"): HAVEN_RUNS,
    ("POST", "/api/havens/outreach"): HAVEN_RUNS,
    ("GET", "/api/havens/nominations"): HAVEN_RUNS,
    ("POST", "/api/havens/nominations/{nomination_id}/review"): HAVEN_RUNS,
    # Safe and Secure Homes: figures for all staff; households and jobs for those who run the
    # programme (manager) and do its visits (coordinator and teams)
    ("GET", "/api/homes/outcomes"): ALL,
    ("GET", "/api/homes/coverage"): ALL,
    ("GET", "/api/homes/target-areas"): ALL,
    ("POST", "/api/homes/target-areas"): HOMES_RUNS,
    ("POST", "/api/homes/households/import"): HOMES_RUNS,
    ("GET", "/api/homes/households"): HOMES_WORKS,
    ("GET", "/api/homes/households/{household_id}"): HOMES_WORKS,
    ("GET", "/api/homes/teams"): HOMES_WORKS,
    ("POST", "/api/homes/teams"): HOMES_RUNS,
    ("GET", "/api/homes/catalogue"): ALL,
    ("PUT", "/api/homes/catalogue/{code}"): HOMES_RUNS,
    ("PUT", "/api/homes/settings"): HOMES_RUNS,
    ("GET", "/api/homes/marking.csv"): HOMES_RUNS,
    ("GET", "/api/homes/jobs"): HOMES_WORKS,
    ("POST", "/api/homes/jobs"): HOMES_WORKS,
    ("GET", "/api/homes/jobs/{job_id}"): HOMES_WORKS,
    ("POST", "/api/homes/jobs/{job_id}/booking"): HOMES_RUNS,
    ("POST", "/api/homes/jobs/{job_id}/status"): HOMES_WORKS,
    ("POST", "/api/homes/jobs/{job_id}/install"): HOMES_WORKS,
    ("GET", "/api/homes/teams/{team_id}/plan"): HOMES_WORKS,
    ("POST", "/api/homes/teams/{team_id}/plan"): HOMES_WORKS,
    ("PUT", "/api/homes/teams/{team_id}/base"): HOMES_RUNS,
    ("GET", "/api/homes/checklist"): ALL,
    ("GET", "/api/homes/jobs/{job_id}/audit"): HOMES_WORKS,
    ("POST", "/api/homes/jobs/{job_id}/audit"): HOMES_WORKS,
    ("GET", "/api/homes/audits/summary"): ALL,
    ("GET", "/api/homes/jobs/{job_id}/claims"): HOMES_WORKS,
    ("POST", "/api/homes/jobs/{job_id}/claims"): HOMES_WORKS,
    ("POST", "/api/homes/claims/{claim_id}/decision"): HOMES_RUNS,
    ("GET", "/api/homes/claims/summary"): ALL,
    ("POST", "/api/homes/requests"): HOMES_WORKS | {"caseworker"},
    ("GET", "/api/homes/requests"): HOMES_WORKS,
    ("GET", "/api/homes/requests/{request_id}"): HOMES_WORKS,
    ("POST", "/api/homes/requests/{request_id}/decision"): HOMES_WORKS,
    ("POST", "/api/homes/requests/{request_id}/withdraw"): HOMES_WORKS,
    ("GET", "/api/homes/queue"): HOMES_WORKS,
    ("GET", "/api/homes/cocoon"): ALL,
    ("POST", "/api/homes/cocoon"): HOMES_RUNS,
    ("POST", "/api/homes/cocoon/analysis"): HOMES_RUNS | {"analyst"},
    # the police partner reports burglaries (the test's caseworker is the police user)
    ("POST", "/api/homes/burglaries"): {"caseworker"},
    ("GET", "/secure-homes"): PUBLIC,
    ("POST", "/secure-homes"): PUBLIC,
    ("GET", "/homes/refer"): HOMES_WORKS | {"caseworker"},
    ("POST", "/homes/refer"): HOMES_WORKS | {"caseworker"},
    ("GET", "/homes/requests"): HOMES_WORKS,
    ("POST", "/homes/requests/{request_id}/decision"): HOMES_WORKS,
    ("GET", "/homes/queue"): HOMES_WORKS,
    ("GET", "/homes/teams"): HOMES_WORKS,
    ("GET", "/homes/teams/{team_id}/day"): HOMES_WORKS,
    ("POST", "/homes/teams/{team_id}/plan"): HOMES_WORKS,
    ("POST", "/homes/jobs/{job_id}/audit"): HOMES_WORKS,
    ("POST", "/homes/jobs/{job_id}/claims"): HOMES_WORKS,
    ("POST", "/homes/claims/{claim_id}/decision"): HOMES_RUNS,
    ("GET", "/homes"): ALL,
    ("GET", "/homes/households"): HOMES_WORKS,
    ("POST", "/homes/households/{household_id}/job"): HOMES_WORKS,
    ("GET", "/homes/jobs/{job_id}"): HOMES_WORKS,
    ("POST", "/homes/jobs/{job_id}/booking"): HOMES_RUNS,
    ("POST", "/homes/jobs/{job_id}/status"): HOMES_WORKS,
    ("POST", "/homes/jobs/{job_id}/install"): HOMES_WORKS,
}


def app_routes(app) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _ in endpoints(app)]


def concrete(path: str) -> str:
    """A path with every parameter filled by a value that names nothing."""
    return re.sub(r"\{[^}]+\}", "does-not-exist", path)


def test_every_route_has_a_row_in_the_table(app):
    missing = [r for r in app_routes(app) if r not in ACCESS_TABLE]
    assert missing == [], f"routes with no row in ACCESS_TABLE: {missing}"
    stale = [r for r in ACCESS_TABLE if r not in app_routes(app)]
    assert stale == [], f"rows for routes the app no longer has: {stale}"


def _refused(response, *, anonymous: bool, page: bool) -> bool:
    if anonymous and page:
        return response.status_code == 303 and response.headers["location"].startswith("/login")
    return response.status_code in (401, 403)


@pytest.mark.parametrize("who", sorted(ALL) + ["anonymous"])
def test_each_route_admits_exactly_the_roles_in_the_table(app, client, people, who):
    headers = {} if who == "anonymous" else people[who].headers
    wrong = []
    for method, path in app_routes(app):
        rule = ACCESS_TABLE[(method, path)]
        allowed = rule == PUBLIC or (who != "anonymous" and who in rule)
        response = client.request(method, concrete(path), headers=headers, follow_redirects=False)
        page = not path.startswith("/api/")
        refused = _refused(response, anonymous=who == "anonymous", page=page)
        if allowed == refused or response.status_code >= 500:
            wrong.append((method, path, response.status_code))
    assert wrong == [], f"{who}: routes answering against the table: {wrong}"


def test_an_undeclared_route_is_closed_to_everyone(app, client, people):
    @app.get("/api/undeclared")
    def undeclared() -> dict:
        return {"secret": "data"}

    for person in people.values():
        response = client.get("/api/undeclared", headers=person.headers)
        assert response.status_code == 403
        assert "secret" not in response.text
    assert client.get("/api/undeclared").status_code == 403


def test_openapi_lists_every_api_route(app, client):
    paths = client.get("/openapi.json").json()["paths"]
    for method, path in app_routes(app):
        if path.startswith("/api/"):
            assert method.lower() in paths.get(path, {}), f"{method} {path} is not in OpenAPI"


def test_a_rule_can_narrow_to_agencies():
    from citysafe.accounts.roles import AgencyKind
    from citysafe.web.access import Access

    rule = Access(roles=frozenset({Role.CASEWORKER}), agencies=frozenset({AgencyKind.POLICE}))
    assert rule.permits({"caseworker"}, "police")
    assert not rule.permits({"caseworker"}, "council")
    assert not rule.permits({"viewer"}, "police")
    assert not rule.permits(None, None)
