"""The partnership's agencies and the roles a user may hold."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # users, agencies, the audit log
    MANAGER = "manager"  # runs a programme: schemes, teams, budgets
    CASEWORKER = "caseworker"  # cases and referrals of their agency
    ANALYST = "analyst"  # crime data, evidence, reports
    COORDINATOR = "coordinator"  # runs a scheme day to day (venues, training, outreach)
    VIEWER = "viewer"  # reads dashboards and reports (board members)


class AgencyKind(StrEnum):
    POLICE = "police"
    COUNCIL = "council"
    FIRE = "fire and rescue"
    PROBATION = "probation"
    HEALTH = "health"
    HOUSING = "housing provider"
    YOUTH = "youth service"
    VOLUNTARY = "voluntary sector"
    BUSINESS = "business"
