"""The network as a scheme of the evidence engine: venues to sites, the page, the API, the CLI,
and the demo's planted halo found through this path."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from citysafe import db
from citysafe.audit.models import AuditEntry
from citysafe.cli import app as cli_app
from citysafe.demo.service import HAVENS_SCHEME, build_demo
from citysafe.havens import evidence, service
from citysafe.schemes import service as schemes
from tests.havens.conftest import ACTOR, HERE, NEAR, TODAY, add_ready_venue

runner = CliRunner()
FAR = (-2.9600, 53.4350)  # about 800 m from HERE


@pytest.fixture
def cli_env(database_url, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _network(session):
    """Two active venues, one nominated, one active without a joined date, one joining later,
    and one withdrawn after being active."""
    shop, _ = add_ready_venue(session, "Corner Shop")
    library, _ = add_ready_venue(session, "Pemberton Library", lon=NEAR[0], lat=NEAR[1])
    add_ready_venue(session, "Nominated Cafe", lon=FAR[0], lat=FAR[1], status="nominated")
    undated, _ = add_ready_venue(session, "Undated Bakery", lon=FAR[0], lat=HERE[1])
    service.update_venue(session, undated.id, {"joined_on": None}, actor=ACTOR)
    later, _ = add_ready_venue(session, "Later Pharmacy", lon=HERE[0], lat=FAR[1])
    service.update_venue(session, later.id, {"joined_on": TODAY + timedelta(days=40)}, actor=ACTOR)
    gone, _ = add_ready_venue(session, "Gone Takeaway", lon=NEAR[0], lat=FAR[1])
    service.set_status(session, gone.id, "withdrawn", actor=ACTOR)
    session.flush()
    return shop, library, gone


def test_each_venue_that_is_or_was_active_is_a_site_from_its_joined_month(session):
    shop, library, gone = _network(session)
    sites, skipped = evidence.network_sites(session)
    assert sorted(s.name for s in sites) == ["Corner Shop", "Gone Takeaway", "Pemberton Library"]
    by_name = {s.name: s for s in sites}
    for venue in (shop, library, gone):
        site = by_name[venue.name]
        assert (site.longitude, site.latitude) == (venue.longitude, venue.latitude)
        assert site.start_month == f"{venue.joined_on:%Y-%m}" == f"{TODAY - timedelta(60):%Y-%m}"
    reasons = {s.name: s.reason for s in skipped}
    assert reasons["Nominated Cafe"] == "never active (status nominated)"
    assert reasons["Undated Bakery"].startswith("no joined date")
    assert reasons["Later Pharmacy"].startswith(f"joins on {TODAY + timedelta(days=40)}")
    assert len(skipped) == 3


def test_the_scheme_is_made_with_the_seed_cost_and_kept_up_to_date(session):
    _network(session)
    assert evidence.network_status(session).name is None
    made = evidence.define_network_scheme(session, actor=ACTOR)
    assert (made.name, made.sites, made.setup_cost, made.changed) == (
        "Safe Haven network",
        3,
        25_000.0,
        True,
    )
    assert made.up_to_date and len(made.skipped) == 3
    stored = schemes.scheme_named(session, "Safe Haven network")
    assert stored.kind == "safe haven network" and len(stored.sites) == 3
    assert {s.start_month for s in stored.sites} == {f"{TODAY - timedelta(60):%Y-%m}"}
    again = evidence.define_network_scheme(session, actor=ACTOR)
    assert not again.changed and again.up_to_date  # nothing changed: left alone
    # a new venue makes the scheme out of date until refreshed; the cost set once is kept
    add_ready_venue(session, "New News", lon=FAR[0], lat=FAR[1] + 0.001)
    assert not evidence.network_status(session).up_to_date
    costed = evidence.define_network_scheme(session, actor=ACTOR, setup_cost=30_000)
    assert (costed.sites, costed.setup_cost, costed.changed) == (4, 30_000.0, True)
    kept = evidence.define_network_scheme(session, actor=ACTOR)
    assert kept.setup_cost == 30_000.0 and not kept.changed
    entries = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "scheme")).all()
    assert [e.action for e in entries] == ["create", "update"]


@pytest.mark.parametrize("cost", [-1.0, math.nan, math.inf])
def test_a_negative_or_unreal_cost_is_refused(session, cost):
    _network(session)
    with pytest.raises(service.HavenError, match="setup_cost: must be a number") as refused:
        evidence.define_network_scheme(session, actor=ACTOR, setup_cost=cost)
    assert refused.value.field == "setup_cost"
    assert evidence.network_status(session).name is None  # nothing stored


def test_no_venue_to_make_a_site_of_and_a_name_taken_are_refused(session):
    with pytest.raises(service.HavenError, match="no venue can be a site"):
        evidence.define_network_scheme(session, actor=ACTOR)
    _network(session)
    schemes.add_scheme(session, name="Patrols", sites=[schemes.SiteInput(*HERE, "2024-01")])
    with pytest.raises(service.HavenError, match="not the network's"):
        evidence.define_network_scheme(session, actor=ACTOR, name="Patrols")
    with pytest.raises(service.HavenError, match="not a scheme yet"):
        evidence.network_evidence(session)


def test_the_page_and_the_api_answer_and_only_some_staff_define(client, people, session):
    _network(session)
    session.commit()
    viewer, coordinator = people["viewer"].headers, people["coordinator"].headers
    empty = client.get("/havens/evidence", headers=viewer)
    assert empty.status_code == 200 and "not a scheme of the evidence engine yet" in empty.text
    assert "Define the scheme" not in empty.text  # a viewer may read, not define
    assert "Undated Bakery" in empty.text and "no joined date" in empty.text
    assert client.get("/api/havens/evidence", headers=viewer).status_code == 404
    refused = client.post("/havens/evidence", data={"setup_cost": "1"}, headers=viewer)
    assert refused.status_code == 403
    bad = client.post("/havens/evidence", data={"setup_cost": "-5"}, headers=coordinator)
    assert bad.status_code == 422 and "setup_cost: must be a number" in bad.text
    done = client.post(
        "/havens/evidence",
        data={"setup_cost": "£27,500"},
        headers=coordinator,
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/havens/evidence"
    page = client.get("/havens/evidence", headers=coordinator)
    assert "Safe Haven network" in page.text and "£27,500" in page.text
    assert "Refresh the scheme" in page.text
    assert "crime store is empty" in page.text  # no crimes loaded: said, not a 500
    assert client.get("/api/havens/evidence", headers=viewer).status_code == 422
    api = client.post(
        "/api/havens/evidence/scheme",
        json={"setup_cost": 25_000},
        headers=people["analyst"].headers,
    )
    assert api.status_code == 200 and api.json()["setup_cost"] == 25_000
    assert api.json()["skipped"][0].keys() == {"venue_id", "name", "status", "reason"}
    assert client.get("/havens", headers=viewer).text.count('href="/havens/evidence"') == 1


def test_the_demo_network_is_the_scheme_and_its_halo_is_found(engine, client, people, cli_env):
    build_demo(engine, seed=1)
    with db.session_scope(engine) as session:
        status = evidence.network_status(session)
        assert (status.name, status.sites, status.venues, status.skipped) == (
            HAVENS_SCHEME,
            35,
            35,
            (),
        )
        assert status.up_to_date and status.setup_cost == 25_000.0
        assert (status.first_start, status.last_start) == ("2023-07", "2023-07")
    result = runner.invoke(
        cli_app, ["havens", "evidence", "--json", "--permutations", "0", "--no-refresh"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found.keys() == {"scheme", "halo", "evaluation"}
    assert found["scheme"]["name"] == HAVENS_SCHEME and found["scheme"]["sites"] == 35
    halo = {(r["inner_m"], r["outer_m"]): r for r in found["halo"]}
    assert list(halo) == [(0, 50), (50, 100), (100, 200), (200, 400)]
    inner = halo[(0, 50)]["Violence and sexual offences"]
    assert inner["ci_low"] < 0.60 < inner["ci_high"] < 1.0  # the planted factor, and an effect
    outer = halo[(200, 400)]["Violence and sexual offences"]
    assert outer["ci_low"] < 1.0 < outer["ci_high"]  # nothing planted beyond 200 m
    engine_says = found["evaluation"]["rings"][0]["by_type"]["Violence and sexual offences"]
    assert engine_says["relative"]["ratio"] == inner["ratio"]  # the engine's figure, regrouped
    money = found["evaluation"]["cost_benefit"]
    assert money["cost"] == 25_000.0 and money["unverified"]
    # the 50-200 m ring as the demo planted it (x0.85)
    with db.session_scope(engine) as session:
        from citysafe.schemes.evaluate import Settings

        wide = evidence.network_evidence(
            session, settings=Settings(rings=(50.0, 200.0, 400.0), permutations=0)
        ).halo()
    middle = wide[1]["Violence and sexual offences"]
    assert middle["ci_low"] < 0.85 < middle["ci_high"]
    page = client.get("/havens/evidence", headers=people["viewer"].headers)
    assert page.status_code == 200
    assert "<svg" in page.text and "Halo profile" in page.text
    assert "Violence and sexual offences" in page.text and "£25,000" in page.text
    assert f"{inner['ratio']:.2f}" in page.text
    assert "/schemes/CitySafe%20Havens%20%28demo%29/report" in page.text
