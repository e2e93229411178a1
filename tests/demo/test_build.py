"""``build_demo``: files through the real ingest into the crime store, truth into demo_*."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from citysafe.crime.models import Crime, CrimeType
from citysafe.db import session_scope
from citysafe.demo.effects import planted_effects
from citysafe.demo.models import (
    DemoArea,
    DemoBuild,
    DemoBurglaryTarget,
    DemoEffect,
    DemoHousehold,
    DemoVenue,
)
from citysafe.demo.service import DemoError, build_demo, record_truth


def test_build_loads_the_files_and_records_the_truth(engine, small_city, tmp_path):
    stages: list[str] = []
    summary = build_demo(
        engine,
        seed=small_city.seed,
        scale=small_city.scale,
        folder=tmp_path,
        progress=stages.append,
    )
    assert summary.files == 36 and summary.folder == tmp_path
    assert len(list(tmp_path.glob("*/*-citysafe-demo-police-street.csv"))) == 36
    assert summary.rows == len(small_city.crimes)  # the same seed built the same city
    assert summary.ingest.total.stored + summary.ingest.total.duplicates == summary.rows
    assert summary.ingest.total.quarantined == 0
    assert "recording the truth" in stages
    with session_scope(engine) as session:
        stored = session.scalar(select(func.count(Crime.id)))
        assert stored == summary.ingest.total.stored
        effects = dict(session.execute(select(DemoEffect.name, DemoEffect.value)).all())
        assert effects == {e.name: e.value for e in planted_effects()}
        assert (
            effects["haven_inner_factor"] == 0.6 and effects["homes_protected_rate_ratio"] == 0.45
        )
        venues = session.scalars(select(DemoVenue)).all()
        assert len(venues) == 35 and {v.joined_month for v in venues} == {"2023-07"}
        homes = session.scalar(select(func.count(DemoHousehold.id)))
        assert homes == len(small_city.households)
        hood = select(func.count(DemoHousehold.id)).where(DemoHousehold.neighbourhood.is_not(None))
        assert session.scalar(hood) == 5460
        fitted = select(func.count(DemoHousehold.id)).where(
            DemoHousehold.installed_month.is_not(None), DemoHousehold.installed_month <= "2023-06"
        )
        assert 0.40 < session.scalar(fitted) / 5460 < 0.48
        assert session.scalar(select(func.sum(DemoArea.households))) == homes
        # every recorded target is a burglary in the crime store, and every burglary has one
        is_burglary = (CrimeType.id == Crime.crime_type_id) & (CrimeType.name == "Burglary")
        targets = (
            select(func.count(DemoBurglaryTarget.crime_id))
            .join(Crime, Crime.crime_id == DemoBurglaryTarget.crime_id)
            .join(CrimeType, is_burglary)
        )
        burglaries = select(func.count(Crime.id)).join(CrimeType, is_burglary)
        assert session.scalar(targets) == session.scalar(burglaries) == summary.burglaries > 0
    as_dict = summary.as_dict()
    assert as_dict["folder"] == str(tmp_path) and as_dict["ingest"]["total"]["quarantined"] == 0
    # a different city would mix with this one's crimes in the store
    with pytest.raises(DemoError, match=f"seed {small_city.seed} at scale"):
        build_demo(engine, seed=small_city.seed + 1, scale=small_city.scale)


def test_a_new_build_replaces_the_truth(engine, small_city, city):
    with session_scope(engine) as session:
        record_truth(session, small_city)
    with session_scope(engine) as session:
        record_truth(session, city)
    with session_scope(engine) as session:
        builds = session.scalars(select(DemoBuild)).all()
        assert [(b.seed, b.scale) for b in builds] == [(1, 1.0)]
        assert builds[0].parameters["households"] == len(city.households)
        homes = session.scalar(select(func.count(DemoHousehold.id)))
        assert homes == len(city.households)
        targets = session.scalar(select(func.count(DemoBurglaryTarget.crime_id)))
        assert targets == int((city.crimes.household >= 0).sum())
