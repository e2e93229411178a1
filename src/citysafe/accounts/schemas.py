"""Pydantic shapes of the accounts API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from citysafe.accounts.roles import AgencyKind, Role


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    agency: str
    agency_kind: str
    roles: list[str]
    active: bool


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$")
    display_name: str = Field(min_length=1, max_length=200)
    agency: str = Field(min_length=1, max_length=200)
    agency_kind: AgencyKind
    roles: list[Role] = Field(min_length=1, max_length=6)
    password: str = Field(min_length=12, max_length=1024)


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TokenRead(BaseModel):
    name: str
    token: str = Field(description="Shown once: keep it; it cannot be recovered.")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=12, max_length=1024)


def user_read(user) -> UserRead:
    return UserRead(
        username=user.username,
        display_name=user.display_name,
        agency=user.agency.name,
        agency_kind=user.agency.kind,
        roles=sorted(user.roles),
        active=user.active,
    )
