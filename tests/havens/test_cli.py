"""``citysafe havens``: the contract for scripts (JSON), the file round trip and exit codes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from citysafe.havens import service
from citysafe.havens.cli import app
from tests.havens.conftest import ACTOR, HERE, TODAY, add_ready_venue

runner = CliRunner()


@pytest.fixture
def env(database_url, engine, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def invoke(*args):
    result = runner.invoke(app, list(args))
    return result


def test_check_prints_venues_not_ready_and_expiring_training(env, session):
    add_ready_venue(session, "Ready Shop")
    add_ready_venue(session, "Unsigned Shop", lon=HERE[0] + 0.01, sign=None)
    _, pat = add_ready_venue(session, "Soon Shop", lon=HERE[0] + 0.02, trained=False)
    service.add_course(session, pat.id, "first aid", TODAY - timedelta(days=10), actor=ACTOR)
    service.add_course(
        session,
        pat.id,
        "safeguarding",
        TODAY - timedelta(days=700),
        TODAY + timedelta(days=9),
        actor=ACTOR,
    )
    session.commit()
    result = invoke("check", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["venues"], report["ready"]) == (3, 2)
    assert [(r["venue"], r["reasons"]) for r in report["not_ready"]] == [
        ("Unsigned Shop", ["no Safe Haven sign is recorded as up"])
    ]
    assert [(e["venue"], e["staff"], e["course"], e["expires_on"]) for e in report["expiring"]] == [
        ("Soon Shop", "Sam", "safeguarding", str(TODAY + timedelta(days=9)))
    ]
    text = invoke("check")
    assert "2 of 3 venues ready" in text.stdout and "Unsigned Shop" in text.stdout
    assert "Soon Shop" in text.stdout


def test_export_then_import_round_trips_through_the_command_line(env, session, tmp_path):
    add_ready_venue(session, "Ribble News", hours="Mon-Sat 06:00-19:00; Fri 19:00-01:00+1")
    session.commit()
    for fmt in ("csv", "geojson"):
        out = tmp_path / f"havens.{fmt}"
        assert invoke("export", "--format", fmt, "--output", str(out)).exit_code == 0
    exported = invoke("export").stdout
    assert exported == (tmp_path / "havens.csv").read_text()
    again = invoke("import", str(tmp_path / "havens.csv"), "--json")
    assert again.exit_code == 1  # the venue is already there: refused as a duplicate
    assert json.loads(again.stdout)["refused"][0]["field"] == "name"
    updated = invoke("import", str(tmp_path / "havens.geojson"), "--update", "--json")
    assert updated.exit_code == 0 and json.loads(updated.stdout)["updated"] == 1
    assert invoke("export").stdout.splitlines()[1:] == exported.splitlines()[1:]
    missing = invoke("import", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 2 and "missing.csv: cannot be read" in missing.output


def test_list_nearest_usage_outreach_and_coverage_answer_in_json(env, session):
    add_ready_venue(session)
    session.commit()
    listed = json.loads(invoke("list", "--json").stdout)["venues"]
    assert [(v["name"], v["ready"]) for v in listed] == [("Corner Shop", True)]
    near = json.loads(
        invoke("nearest", "--lat", str(HERE[1]), "--lon", str(HERE[0]), "--json").stdout
    )
    assert [r["name"] for r in near["results"]] == ["Corner Shop"]
    assert json.loads(invoke("usage", "--json").stdout)["total"] == 0
    assert json.loads(invoke("outreach", "--json").stdout)["reached"] == 0
    coverage = json.loads(invoke("coverage", "--json").stdout)
    assert coverage["crimes"] == 0 and coverage["venues"] == 1
    bad = invoke("coverage", "--profile", "evening")
    assert bad.exit_code == 2 and "profile" in bad.output


def test_site_reads_candidate_premises_from_a_csv(env, tmp_path):
    path = tmp_path / "shops.csv"
    path.write_text("name,longitude,latitude,hours\nA,-2.97,53.43,Daily 08:00-22:00\nB,-2.96,x,\n")
    result = invoke("site", "--candidates", str(path))
    assert result.exit_code == 2 and "row 3, longitude/latitude: not numbers" in result.output
    path.write_text("name,longitude,latitude\nA,-2.97,53.43\n")
    found = json.loads(invoke("site", "--candidates", str(path), "--k", "1", "--json").stdout)
    assert found["candidates"] == 1 and found["chosen"] == []  # no crime loaded: nothing to add
