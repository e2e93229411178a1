"""The command line: its contract for scripts, exit codes, and documentation."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.main import get_command
from typer.testing import CliRunner

from citysafe.cli import app
from citysafe.config import Settings
from tests.crime.factory import crime_id, csv_bytes, row

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def env(database_url, engine, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def month_file(tmp_path, month, rows):
    path = tmp_path / month / f"{month}-merseyside-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows))
    return path


def test_ingest_json_contract(env, tmp_path):
    path = month_file(tmp_path, "2020-01", [row(crime_id(1)), row(crime_id(2), month="bad")])
    result = runner.invoke(app, ["ingest", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    counts = {"read": 2, "stored": 1, "duplicates": 0, "updated": 0, "quarantined": 1}
    assert report["files"] == [{"path": str(path), **counts}]
    assert report["total"] == counts

    again = json.loads(runner.invoke(app, ["ingest", str(path), "--json"]).stdout)
    assert again["total"] == {**counts, "stored": 0, "duplicates": 1}


def test_summary_json_contract(env, tmp_path):
    month_file(tmp_path, "2020-01", [row(crime_id(1)), row(crime_id(2), crime_type="Robbery")])
    month_file(tmp_path, "2020-03", [row(crime_id(3), month="2020-03")])
    assert runner.invoke(app, ["ingest", str(tmp_path)]).exit_code == 0
    summary = json.loads(runner.invoke(app, ["crimes", "summary", "--json"]).stdout)
    assert summary["total"] == 3
    assert summary["by_type"] == {"Burglary": 2, "Robbery": 1}
    assert summary["months"] == {"2020-01": 2, "2020-03": 1}
    assert summary["missing_months"] == ["2020-02"]


def test_quarantine_lists_file_line_and_reason(env, tmp_path):
    path = month_file(tmp_path, "2020-01", [row(crime_id(1)), row(crime_id(2), crime_type="X")])
    runner.invoke(app, ["ingest", str(path)])
    listed = json.loads(runner.invoke(app, ["ingest", "--quarantine", "--json"]).stdout)
    [entry] = listed["quarantined"]
    assert (entry["path"], entry["line"], entry["field"]) == (str(path), 3, "Crime type")


def test_nothing_loadable_exits_1_naming_the_file(env, tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    assert "missing.csv: no such file or folder" in result.output


def test_an_out_of_date_database_is_named_plainly(env, database_url, engine):
    with engine.begin() as connection:
        (head,) = connection.execute(text("SELECT version_num FROM alembic_version")).one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    try:
        result = runner.invoke(app, ["crimes", "summary"])
        assert result.exit_code == 2
        assert "run `citysafe db upgrade`" in result.output
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_help_lists_every_command_with_a_line():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("ingest", "demo", "db", "crimes"):
        assert re.search(rf"│ {name}\s+\S", result.output), name


def _command_paths(command, prefix=()):
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield " ".join(prefix)
        return
    for name, sub in subcommands.items():
        yield from _command_paths(sub, (*prefix, name))


def test_every_command_and_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for path in _command_paths(get_command(app)):
        assert f"`citysafe {path}" in readme, f"README does not document `citysafe {path}`"
    for name in Settings.model_fields:
        assert f"CITYSAFE_{name.upper()}" in readme, name


def test_settings_come_from_environment_then_toml(tmp_path, monkeypatch):
    config = tmp_path / "citysafe.toml"
    config.write_text('database_url = "sqlite:///from-file.db"\n')
    monkeypatch.setenv("CITYSAFE_CONFIG", str(config))
    monkeypatch.delenv("CITYSAFE_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:///from-file.db"
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", "sqlite:///from-env.db")
    assert Settings().database_url == "sqlite:///from-env.db"


def test_demo_build_only_builds_into_the_configured_database_and_exits(env):
    result = runner.invoke(app, ["demo", "--build-only"])
    assert result.exit_code == 0, result.output
    summary = json.loads(runner.invoke(app, ["crimes", "summary", "--json"]).stdout)
    assert summary["forces"] == {"citysafe Demo Police": summary["total"]}
    assert len(summary["months"]) == 36 and summary["missing_months"] == []
    assert summary["total"] > 80_000
    assert "full report: citysafe evaluate" in result.output  # the evidence on a fresh build
    again = runner.invoke(app, ["demo", "--build-only"])  # the same seed: nothing added
    assert again.exit_code == 0, again.output
    assert "already built" in again.output and "full report" not in again.output
    assert json.loads(runner.invoke(app, ["crimes", "summary", "--json"]).stdout) == summary


def test_users_create_list_disable_and_audit_verify(env):
    made = runner.invoke(
        app,
        [
            "users",
            "create",
            "first-admin",
            "--agency",
            "Demo Council",
            "--agency-kind",
            "council",
            "--role",
            "admin",
            "--role",
            "analyst",
            "--name",
            "First Admin",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert made.exit_code == 0, made.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).stdout)["users"]
    assert [(u["username"], u["roles"], u["active"]) for u in listed] == [
        ("first-admin", ["admin", "analyst"], True)
    ]
    short = runner.invoke(
        app,
        [
            "users",
            "create",
            "second",
            "--agency",
            "Demo Council",
            "--agency-kind",
            "council",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    assert runner.invoke(app, ["users", "disable", "first-admin"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).stdout)["users"]
    assert listed[0]["active"] is False
    check = runner.invoke(app, ["audit", "verify", "--json"])
    assert check.exit_code == 0
    assert json.loads(check.stdout) == {"entries": 2, "ok": True, "broken_at": None, "reason": None}


def test_serve_refuses_a_placeholder_secret(env, monkeypatch):
    monkeypatch.setenv("CITYSAFE_SECRET_KEY", "changeme")
    from citysafe.config import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2 and "CITYSAFE_SECRET_KEY" in result.output
