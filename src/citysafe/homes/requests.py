"""Requests for the service: a resident's public form, a member of staff, or an agency's referral.

:func:`submit_request` checks the input, matches the address to a programme
household (by UPRN, else by the normalised address of
:func:`~citysafe.homes.households.address_key`), and applies the rules of
:mod:`citysafe.homes.eligibility`: an eligible request is accepted and its
household gets a job at the rule's priority (or joins its open job, raising
that job's priority if the rule is more urgent); an ineligible one is refused
with the rule's reason. A home not yet among the programme's households is
added when its location (lon/lat) and tenure are given, so a referred
victim's job can follow. :func:`decide_request` lets a coordinator decide a
request left open, or override the rules with a stated reason;
:func:`withdraw_request` withdraws one (cancelling a job it alone asked for).

The public form goes through :func:`submit_public_request`, which returns a
:class:`RequestReceipt` only: its message depends on the rules' verdict for
the address given, never on what the programme holds about that home (an
open job, an alarm fitted) or any other household. Contact details are
personal data: every write is in the audit log, whose entries name the
request and household but not the contact details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.accounts.models import Agency
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.geo import to_bng
from citysafe.havens.extent import partnership_extent
from citysafe.homes import jobs
from citysafe.homes.areas import target_area_of
from citysafe.homes.eligibility import STANDARD_PRIORITY, Decision, decide
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.households import address_key, tenure_of, uprn_of
from citysafe.homes.models import OPEN_STATUSES, Household, Job, TargetArea
from citysafe.homes.models_requests import CHANNELS, REFERRALS, REQUEST_STATUSES, Request
from citysafe.homes.places import location_in_britain

__all__ = [
    "UNPLACED",
    "RequestReceipt",
    "decide_request",
    "request",
    "requests",
    "submit_public_request",
    "submit_request",
    "withdraw_request",
]

UNPLACED = (
    "the address is not among the programme's households: a coordinator will check it "
    "and place it (its location and tenure are needed to add it)"
)
# outward code, then the inward code (digit and two letters), as Royal Mail prints them
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]+$")


@dataclass(frozen=True)
class RequestReceipt:
    """What the public form shows its submitter: the reference, the state, and one message."""

    reference: int
    status: str
    message: str


@dataclass(frozen=True)
class _Place:
    """A home not yet held: where it is and its tenure, to add it when accepted."""

    lon: float
    lat: float
    tenure: str
    uprn: str | None


def _text(value: str | None, what: str, *, limit: int) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise HomesError(f"{what}: missing")
    if len(cleaned) > limit:
        raise HomesError(f"{what}: at most {limit} characters, got {len(cleaned)}")
    return cleaned


def _postcode(value: str | None) -> str:
    squeezed = re.sub(r"\s+", "", (value or "").upper())
    found = POSTCODE.match(squeezed)
    if found is None:
        raise HomesError(f"postcode: {value!r} is not a UK postcode (for example L8 2TX)")
    return f"{found[1]} {found[2]}"


def _contact(phone: str | None, email: str | None) -> tuple[str | None, str | None]:
    phone, email = (phone or "").strip() or None, (email or "").strip() or None
    if phone is None and email is None:
        raise HomesError("contact: give a phone number or an email address to reach the resident")
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if not PHONE.match(phone) or not 10 <= len(digits) <= 15:
            raise HomesError(f"phone: {phone!r} is not a phone number (10 to 15 digits)")
    if email is not None and (not EMAIL.match(email) or len(email) > 254):
        raise HomesError(f"email: {email!r} is not an email address")
    return phone, email


def _agency(session: Session, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    name = session.scalar(select(Agency.name).where(Agency.id == agency_id))
    if name is None:
        raise HomesError(f"agency: no agency {agency_id}")
    return name


def _referral(channel: str, referral: str | None, agency_id: int | None) -> str | None:
    if channel not in CHANNELS:
        raise HomesError(f"channel must be one of {', '.join(CHANNELS)} (got {channel!r})")
    referral = (referral or "").strip().lower() or None
    if referral is not None and referral not in REFERRALS:
        raise HomesError(f"referral must be one of {', '.join(REFERRALS)} (got {referral!r})")
    if referral is not None and channel == "public":
        raise HomesError("referral: only an agency (or staff on its behalf) refers a victim")
    if (referral is not None or channel == "agency") and agency_id is None:
        raise HomesError("agency: a referral or an agency's request names the agency")
    return referral


def _match(session: Session, uprn: str | None, key: str) -> Household | None:
    if uprn is not None:
        found = session.scalar(select(Household).where(Household.uprn == uprn))
        if found is not None:
            return found
    return session.scalar(select(Household).where(Household.address_key == key))


def _audit(session: Session, actor: Actor, action: str, found: Request, **detail) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        record_type="homes_request",
        record_id=found.id,
        detail={"status": found.status, "household_id": found.household_id, **detail},
    )


def submit_request(
    session: Session,
    *,
    channel: str,
    contact_name: str,
    address: str,
    postcode: str,
    actor: Actor,
    phone: str | None = None,
    email: str | None = None,
    uprn: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    tenure: str | None = None,
    referral: str | None = None,
    agency_id: int | None = None,
    note: str | None = None,
) -> Request:
    """Record a request and decide it by the rules (see the module notes).

    A staff or agency request for an address the programme does not hold
    needs ``lon``, ``lat`` and ``tenure`` to add the household; a public
    one without them is left ``new`` for a coordinator. Raises ``HomesError``
    naming the field on bad input.
    """
    referral = _referral(channel, referral, agency_id)
    contact_name = _text(contact_name, "contact name", limit=200)
    address = _text(address, "address", limit=500)
    postcode = _postcode(postcode)
    phone, email = _contact(phone, email)
    uprn, tenure, where = uprn_of(uprn), tenure_of(tenure), location_in_britain(lon, lat)
    agency = _agency(session, agency_id)
    found = _match(session, uprn, address_key(address, postcode))
    place = None if where is None or tenure is None else _Place(*where, tenure, uprn)
    if found is None and place is None and channel != "public":
        raise HomesError(
            "address: not among the programme's households; give its location (lon and lat) "
            "and tenure to add it"
        )
    made = Request(
        received_at=datetime.now(UTC),
        channel=channel,
        contact_name=contact_name,
        phone=phone,
        email=email,
        address=address,
        postcode=postcode,
        household_id=None if found is None else found.id,
        referral=referral,
        agency_id=agency_id,
        note=(note or "").strip() or None,
        status="new",
    )
    session.add(made)
    session.flush()
    _audit(session, actor, "create", made, channel=channel, referral=referral)
    if found is None and place is None:
        made.reason = UNPLACED
        return made
    _settle(session, made, actor, household=found, place=place, agency=agency)
    return made


def submit_public_request(
    session: Session,
    *,
    contact_name: str,
    address: str,
    postcode: str,
    actor: Actor,
    phone: str | None = None,
    email: str | None = None,
    note: str | None = None,
) -> RequestReceipt:
    """The public form: a resident's request, answered with a receipt and nothing more.

    It never adds a household: an address the programme does not hold waits,
    ``new``, for a coordinator to place it.
    """
    made = submit_request(
        session,
        channel="public",
        contact_name=contact_name,
        address=address,
        postcode=postcode,
        actor=actor,
        phone=phone,
        email=email,
        note=note,
    )
    if made.status == "accepted":
        message = (
            f"Thank you: your home is eligible ({made.reason}). The programme will "
            "contact you to arrange a visit."
        )
    elif made.status == "refused":
        message = f"Thank you for asking. Sorry: {made.reason}."
    else:
        message = (
            "Thank you: we could not find this address on the programme's list. "
            "A coordinator will check it and contact you."
        )
    return RequestReceipt(reference=made.id, status=made.status, message=message)


def _where(session: Session, household: Household | None, place: _Place | None):
    """(target area id or None, its name or None, inside the partnership's area)."""
    if household is not None:
        lon, lat, area_id = household.longitude, household.latitude, household.target_area_id
    else:
        found = target_area_of(
            session, np.array([place.lon]), np.array([place.lat]), np.array([None], object)
        )
        lon, lat, area_id = place.lon, place.lat, int(found[0]) or None
    name = None if area_id is None else session.get(TargetArea, area_id).name
    inside = bool(partnership_extent(session).contains(np.array([lon]), np.array([lat]))[0])
    return area_id, name, inside


def _add_household(
    session: Session, made: Request, place: _Place, area_id: int | None, actor: Actor
) -> Household:
    x, y = to_bng(np.array([place.lon]), np.array([place.lat]))
    home = Household(
        uprn=place.uprn,
        address=made.address,
        postcode=made.postcode,
        address_key=address_key(made.address, made.postcode),
        tenure=place.tenure,
        longitude=place.lon,
        latitude=place.lat,
        easting=float(x[0]),
        northing=float(y[0]),
        lsoa_code=None,
        target_area_id=area_id,
        source=f"request {made.id}",
        source_line=0,
        imported_at=datetime.now(UTC),
    )
    session.add(home)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        record_type="homes_household",
        record_id=home.id,
        detail={"from_request": made.id, "target_area_id": area_id},
    )
    return home


def _settle(
    session: Session,
    made: Request,
    actor: Actor,
    *,
    household: Household | None,
    place: _Place | None,
    agency: str | None,
    override: bool | None = None,
    override_reason: str | None = None,
    priority: int | None = None,
) -> None:
    """Apply the rules (and any override), add the household if need be, and record the result."""
    area_id, area, inside = _where(session, household, place)
    decision = decide(
        target_area=area, referral=made.referral, agency=agency, in_partnership_area=inside
    )
    accept = decision.eligible if override is None else override
    reason = decision.full_reason
    if override is not None:
        reason = (
            f"coordinator's decision ({actor.username}): {override_reason}; the rules: {reason}"
        )
    made.eligible, made.reason = decision.eligible, reason
    made.decided_by, made.decided_at = actor.username, datetime.now(UTC)
    if not accept:
        made.status, made.priority = "refused", None
        session.flush()
        _audit(session, actor, "update", made, eligible=decision.eligible)
        return
    if household is None:
        household = _add_household(session, made, place, area_id, actor)
    made.household_id = household.id
    made.priority = priority or decision.priority or STANDARD_PRIORITY
    made.job_id = _job_for(session, made, household, actor, reason, decision).id
    made.status = "accepted"
    session.flush()
    _audit(session, actor, "update", made, eligible=decision.eligible, job_id=made.job_id)


def _job_for(
    session: Session,
    made: Request,
    household: Household,
    actor: Actor,
    reason: str,
    decision: Decision,
) -> Job:
    """The household's open job (raised to the request's priority if more urgent), or a new one."""
    found = session.scalar(
        select(Job)
        .where(Job.household_id == household.id, Job.status.in_(OPEN_STATUSES))
        .order_by(Job.id)
        .limit(1)
    )
    if found is None:
        found = jobs.request_job(
            session,
            household_id=household.id,
            actor=actor,
            requested_on=made.received_at.date(),
            note=f"request {made.id}",
        )
    elif found.priority <= made.priority:
        return found
    found.priority, found.priority_reason = made.priority, reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_job",
        record_id=found.id,
        detail={"priority": found.priority, "request_id": made.id, "rule": decision.rule},
    )
    return found


def request(session: Session, request_id: int) -> Request:
    found = session.get(Request, request_id)
    if found is None:
        raise NotFound(f"no request {request_id}")
    return found


def requests(
    session: Session,
    *,
    status: str | None = None,
    channel: str | None = None,
    household_id: int | None = None,
) -> list[Request]:
    """Requests, newest first, optionally of one status, channel or household."""
    query = select(Request).order_by(Request.received_at.desc(), Request.id.desc())
    if status is not None:
        if status not in REQUEST_STATUSES:
            raise HomesError(
                f"status must be one of {', '.join(REQUEST_STATUSES)} (got {status!r})"
            )
        query = query.where(Request.status == status)
    if channel is not None:
        if channel not in CHANNELS:
            raise HomesError(f"channel must be one of {', '.join(CHANNELS)} (got {channel!r})")
        query = query.where(Request.channel == channel)
    if household_id is not None:
        query = query.where(Request.household_id == household_id)
    return list(session.scalars(query))


def decide_request(
    session: Session,
    *,
    request_id: int,
    actor: Actor,
    accept: bool | None = None,
    reason: str | None = None,
    priority: int | None = None,
    lon: float | None = None,
    lat: float | None = None,
    tenure: str | None = None,
    uprn: str | None = None,
) -> Request:
    """Decide a request: by the rules (``accept`` None), or overriding them with a stated reason.

    A request left ``new`` (its address not held) needs the home's location
    and tenure to be decided. An override may accept a refused request or
    refuse an accepted one (its job is cancelled if it has not been booked).
    ``priority`` (1 to 4) sets an accepted override's priority; the rule's otherwise.
    """
    made = request(session, request_id)
    if made.status == "withdrawn":
        raise HomesError(f"request {request_id} was withdrawn")
    if accept is None and made.status != "new":
        raise HomesError(f"request {request_id} is already {made.status}")
    if accept is not None:
        reason = " ".join((reason or "").split())
        if not reason:
            raise HomesError("reason: a coordinator's override states its reason")
        if made.status == ("accepted" if accept else "refused"):
            raise HomesError(f"request {request_id} is already {made.status}")
    if priority is not None and (isinstance(priority, bool) or priority not in range(1, 5)):
        raise HomesError(f"priority must be 1 (most urgent) to 4, got {priority!r}")
    household = None if made.household_id is None else session.get(Household, made.household_id)
    place = None
    if household is None:
        where, tenure = location_in_britain(lon, lat), tenure_of(tenure)
        if where is None or tenure is None:
            raise HomesError(
                f"request {request_id}: the address is not among the programme's households; "
                "give its location (lon and lat) and tenure"
            )
        place = _Place(*where, tenure, uprn_of(uprn))
    if made.status == "accepted" and not accept:
        _cancel_job(session, made, actor, f"request {made.id} refused by a coordinator")
    _settle(
        session,
        made,
        actor,
        household=household,
        place=place,
        agency=_agency(session, made.agency_id),
        override=accept,
        override_reason=reason,
        priority=priority,
    )
    return made


def _cancel_job(session: Session, made: Request, actor: Actor, note: str) -> None:
    """Cancel the request's job if it is still only requested and no other request holds it."""
    if made.job_id is None:
        return
    found = session.get(Job, made.job_id)
    others = session.scalar(
        select(Request.id).where(
            Request.job_id == made.job_id, Request.id != made.id, Request.status == "accepted"
        )
    )
    if found is not None and found.status == "requested" and others is None:
        jobs.change_status(session, job_id=found.id, status="cancelled", actor=actor, note=note)


def withdraw_request(
    session: Session, *, request_id: int, actor: Actor, reason: str | None = None
) -> Request:
    """Withdraw a request; a job only it asked for, not yet booked, is cancelled."""
    made = request(session, request_id)
    if made.status == "withdrawn":
        raise HomesError(f"request {request_id} is already withdrawn")
    note = f"request {made.id} withdrawn" + (
        f": {reason.strip()}" if (reason or "").strip() else ""
    )
    _cancel_job(session, made, actor, note)
    made.status = "withdrawn"
    made.decided_by, made.decided_at = actor.username, datetime.now(UTC)
    session.flush()
    _audit(session, actor, "update", made)
    return made
