"""Demo cities generated once per test session: the default one and a small one."""

from __future__ import annotations

import pytest

from citysafe.demo.generator import DemoCity, generate_city


@pytest.fixture(scope="session")
def city() -> DemoCity:
    """The default demo city (seed 1, scale 1)."""
    return generate_city(1)


@pytest.fixture(scope="session")
def small_city() -> DemoCity:
    """Another seed at a twentieth of the crime, for quick file and database checks."""
    return generate_city(2, scale=0.05)
