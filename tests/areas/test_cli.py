"""``citysafe areas``: import and list, for people and for scripts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from citysafe.areas.cli import app
from tests.areas.test_import import WARDS, square_geojson

runner = CliRunner()


@pytest.fixture
def env(database_url, engine, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.realdata
def test_import_says_which_fields_it_guessed_and_list_shows_the_areas(env, shared_data):
    result = runner.invoke(app, ["import", str(shared_data / WARDS), "--kind", "ward"])
    assert result.exit_code == 0, result.output
    assert "30 ward areas, 30 new, 0 updated" in result.output
    assert "codes from field wd19cd (guessed)" in result.output
    assert "names from field wd19nm (guessed)" in result.output
    listed = json.loads(runner.invoke(app, ["list", "--json"]).stdout)["areas"]
    assert (
        len(listed) == 30
        and {
            "kind": "ward",
            "code": "E05000887",
            "name": "Anfield",
            "source": str(shared_data / WARDS),
        }
        in listed
    )
    assert "Anfield" in runner.invoke(app, ["list", "--kind", "ward"]).output


def test_import_json_contract_and_named_fields(env, tmp_path):
    path = square_geojson(tmp_path / "n.geojson", [({"ref": "N1", "label": "North"}, 0, 51, 0.1)])
    result = runner.invoke(
        app,
        [
            "import",
            str(path),
            "--kind",
            "neighbourhood",
            "--code-field",
            "ref",
            "--name-field",
            "label",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "path": str(path),
        "kind": "neighbourhood",
        "crs": "EPSG:4326 (WGS 84)",
        "code_field": "ref",
        "name_field": "label",
        "names_from": "field label",
        "read": 1,
        "created": 1,
        "updated": 0,
    }
    again = json.loads(
        runner.invoke(
            app, ["import", str(path), "--kind", "neighbourhood", "--code-field", "ref", "--json"]
        ).stdout
    )
    assert (again["created"], again["updated"]) == (0, 1)


def test_a_bad_file_exits_1_naming_file_feature_and_field(env, tmp_path):
    path = square_geojson(tmp_path / "m.geojson", [({"code": "A"}, 334000, 390000, 500)])
    result = runner.invoke(app, ["import", str(path), "--kind", "ward"])
    assert result.exit_code == 1
    assert "m.geojson: feature 1: field 'geometry'" in result.output


def test_a_bad_kind_is_refused(env, tmp_path):
    result = runner.invoke(app, ["import", str(tmp_path / "x.geojson"), "--kind", "county"])
    assert result.exit_code == 2 and "must be one of" in result.output
    assert runner.invoke(app, ["list", "--kind", "county"]).exit_code == 2


def test_an_empty_list_says_how_to_import(env):
    assert "citysafe areas import" in runner.invoke(app, ["list"]).output
    assert json.loads(runner.invoke(app, ["list", "--json"]).stdout) == {"areas": []}
