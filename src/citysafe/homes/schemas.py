"""Pydantic shapes of the homes API: what comes in and what goes out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from citysafe.homes.models import Household, Job, JobEvent, JobItem, Team

ID_MAX = 2_147_483_647
RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))]
Money = Annotated[float, Field(ge=0, le=1e9, description="pounds")]


class TargetAreaIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    area_kind: str | None = Field(None, max_length=16, description="kind of an imported boundary")
    area_code: str | None = Field(None, max_length=64, description="code of an imported boundary")
    lsoa_code: str | None = Field(None, max_length=12, description="an LSOA code")


class TargetAreaRead(BaseModel):
    id: int
    name: str
    source: str
    households: int


class RowProblemRead(BaseModel):
    path: str
    line: int
    field: str
    message: str


class ImportRead(BaseModel):
    path: str
    read: int
    created: int
    updated: int
    refused: list[RowProblemRead]
    outside: list[RowProblemRead]


class HouseholdRead(BaseModel):
    id: int
    uprn: str | None
    address: str
    postcode: str
    tenure: str
    longitude: float
    latitude: float
    target_area_id: int | None
    status: str | None = None


def household_read(found: Household, status: str | None = None) -> HouseholdRead:
    return HouseholdRead(
        id=found.id,
        uprn=found.uprn,
        address=found.address,
        postcode=found.postcode,
        tenure=found.tenure,
        longitude=found.longitude,
        latitude=found.latitude,
        target_area_id=found.target_area_id,
        status=status,
    )


class HouseholdPageRead(BaseModel):
    total: int
    households: list[HouseholdRead]


class TeamIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=64)
    members: list[Annotated[str, Field(max_length=100)]] = Field(..., min_length=2, max_length=2)
    van: str | None = Field(None, max_length=32)


class TeamRead(BaseModel):
    id: int
    name: str
    members: str
    van: str | None


def team_read(team: Team) -> TeamRead:
    return TeamRead(id=team.id, name=team.name, members=team.members, van=team.van)


class CatalogueRead(BaseModel):
    code: str
    name: str
    unit_cost: float


class CostIn(BaseModel):
    unit_cost: Money


class SettingsIn(BaseModel):
    force_households: float | None = Field(None, gt=0, le=1e9)
    cost_per_burglary: Money | None = None


class JobRequestIn(BaseModel):
    household_id: RecordId
    requested_on: Day | None = None
    note: str | None = Field(None, max_length=2000)


class BookingIn(BaseModel):
    team_id: RecordId
    day: Day
    slot: int = Field(..., ge=1, le=8, description="visit slot of the day, 1 to 8")


class StatusIn(BaseModel):
    status: str = Field(..., max_length=16, description="visited, no access, declined or cancelled")
    note: str | None = Field(None, max_length=2000)


class ItemIn(BaseModel):
    code: str = Field(..., max_length=32)
    quantity: int = Field(1, ge=1, le=100)
    resident_pays: bool = False


class InstallIn(BaseModel):
    items: list[ItemIn] = Field(..., max_length=50)
    installed_on: Day | None = None
    marking_code: str | None = Field(None, max_length=64)


class EventRead(BaseModel):
    status: str
    at: datetime
    by: str | None
    note: str | None


class ItemRead(BaseModel):
    code: str
    quantity: int
    unit_cost: float
    resident_pays: bool


class JobRead(BaseModel):
    id: int
    household_id: int
    status: str
    priority: int
    priority_reason: str | None
    team_id: int | None
    scheduled_on: date | None
    slot: int | None
    requested_on: date
    installed_on: date | None
    marking_code: str | None
    history: list[EventRead] = []
    items: list[ItemRead] = []


def job_read(
    found: Job, history: list[JobEvent] | None = None, items: list[JobItem] | None = None
) -> JobRead:
    return JobRead(
        id=found.id,
        household_id=found.household_id,
        status=found.status,
        priority=found.priority,
        priority_reason=found.priority_reason,
        team_id=found.team_id,
        scheduled_on=found.scheduled_on,
        slot=found.slot,
        requested_on=found.requested_on,
        installed_on=found.installed_on,
        marking_code=found.marking_code,
        history=[EventRead(status=e.status, at=e.at, by=e.by, note=e.note) for e in history or []],
        items=[
            ItemRead(
                code=i.item_code,
                quantity=i.quantity,
                unit_cost=i.unit_cost,
                resident_pays=i.resident_pays,
            )
            for i in items or []
        ],
    )
