"""Complaints and compensation claims against jobs, their outcomes, and the rate per job.

A complaint is decided once: upheld, rejected or withdrawn. A compensation
claim (damage at a visit, so only for a job that was visited) is paid,
rejected or withdrawn, or first upheld and paid later; the amount paid is
never more than the amount claimed. The seed's programme paid compensation
on 0.25% of its jobs: the summary gives the rate per installed job with an
exact (Clopper-Pearson) interval, since such small rates are where the
normal approximation fails.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

from scipy import stats
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.models import Job, JobEvent
from citysafe.homes.models_visits import CLAIM_KINDS, CLAIM_OUTCOMES, Claim

__all__ = [
    "DECISIONS",
    "ClaimRate",
    "ClaimsSummary",
    "add_claim",
    "claim",
    "claims_summary",
    "decide_claim",
    "exact_interval",
    "job_claims",
]

# what each kind of claim may be decided as, from "open" (and an upheld claim may then be paid)
DECISIONS = {
    "complaint": ("upheld", "rejected", "withdrawn"),
    "compensation": ("upheld", "paid", "rejected", "withdrawn"),
}
VISITED = ("visited", "installed")


@dataclass(frozen=True)
class ClaimRate:
    """Installed jobs with such a claim, out of all installed jobs, with its exact interval."""

    jobs_with_claim: int
    jobs: int
    share: float
    ci_low: float
    ci_high: float

    @property
    def pct(self) -> float:
        return 100.0 * self.share


@dataclass(frozen=True)
class ClaimsSummary:
    """Claims across the programme and compensation per installed job.

    ``compensation`` counts installed jobs with a compensation claim,
    ``paid`` those with compensation paid (the seed's 0.25% of jobs);
    claims against jobs not installed are counted in ``by_kind`` and
    ``on_jobs_not_installed`` but not in the rates.
    """

    jobs_installed: int
    claims: int
    open: int
    by_kind: dict[str, int]
    by_outcome: dict[str, dict[str, int]]
    on_jobs_not_installed: int
    compensation: ClaimRate
    paid: ClaimRate
    total_claimed: float
    total_paid: float
    paid_per_job: float
    confidence: float
    interval: str

    def as_dict(self) -> dict:
        """JSON-ready; a rate over no jobs (NaN) becomes null."""
        found = asdict(self)
        for key in ("compensation", "paid"):
            found[key] = {k: None if _nan(v) else v for k, v in found[key].items()}
        found["paid_per_job"] = None if _nan(self.paid_per_job) else round(self.paid_per_job, 4)
        return found


def _nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def exact_interval(count: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper and Pearson's (1934) exact interval for ``count / n``; (NaN, NaN) when n is 0.

    Examples
    --------
    >>> [round(v, 5) for v in exact_interval(1, 400)]
    [6e-05, 0.01385]
    """
    if n == 0:
        return math.nan, math.nan
    alpha = 1 - confidence
    low = float(stats.beta.ppf(alpha / 2, count, n - count + 1)) if count > 0 else 0.0
    high = float(stats.beta.ppf(1 - alpha / 2, count + 1, n - count)) if count < n else 1.0
    return low, high


def _money(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise HomesError(f"{what} must be a number of pounds, got {value!r}")
    if value < 0:
        raise HomesError(f"{what} cannot be negative (got {value:g})")
    return float(value)


def _check_day(value, what: str) -> date:
    if not isinstance(value, date):
        raise HomesError(f"{what} must be a date, got {value!r}")
    if value > date.today():
        raise HomesError(f"{what} {value.isoformat()} is in the future")
    return value


def claim(session: Session, claim_id: int) -> Claim:
    found = session.get(Claim, claim_id)
    if found is None:
        raise NotFound(f"no claim {claim_id}")
    return found


def job_claims(session: Session, *, job_id: int) -> list[Claim]:
    """A job's claims, oldest first."""
    return list(
        session.scalars(
            select(Claim).where(Claim.job_id == job_id).order_by(Claim.received_on, Claim.id)
        )
    )


def _visited(session: Session, found: Job) -> bool:
    if found.status in VISITED:
        return True
    event = select(JobEvent.id).where(JobEvent.job_id == found.id, JobEvent.status.in_(VISITED))
    return session.scalar(event) is not None


def add_claim(
    session: Session,
    *,
    job_id: int,
    kind: str,
    received_on: date,
    description: str,
    actor: Actor,
    amount: float | None = None,
) -> Claim:
    """Record a complaint, or a compensation claim with the amount claimed if known.

    Refused: an unknown kind, no description, an amount on a complaint, a
    negative amount, compensation for a job never visited, a date in the
    future or before the job was requested.
    """
    found = session.get(Job, job_id)
    if found is None:
        raise NotFound(f"no job {job_id}")
    if kind not in CLAIM_KINDS:
        raise HomesError(f"job {job_id}: a claim is a {' or a '.join(CLAIM_KINDS)} (got {kind!r})")
    if not isinstance(description, str) or not description.strip():
        raise HomesError(f"job {job_id}: say what the {kind} is about")
    if amount is not None:
        if kind == "complaint":
            raise HomesError(
                f"job {job_id}: a complaint has no amount; money is a compensation claim"
            )
        amount = _money(amount, f"job {job_id}: the amount claimed")
    if kind == "compensation" and not _visited(session, found):
        raise HomesError(
            f"job {job_id} is {found.status} and was never visited: "
            "compensation is claimed for a visit"
        )
    received_on = _check_day(received_on, f"job {job_id}: the date received")
    if received_on < found.requested_on:
        raise HomesError(
            f"job {job_id}: the {kind} was received ({received_on.isoformat()}) before the job "
            f"was requested ({found.requested_on.isoformat()})"
        )
    record = Claim(
        job_id=job_id,
        kind=kind,
        received_on=received_on,
        description=description.strip(),
        amount=amount,
        outcome="open",
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        record_type="homes_claim",
        record_id=record.id,
        detail={"job_id": job_id, "kind": kind, "amount": amount},
    )
    return record


def _check_decision(found: Claim, outcome: str) -> None:
    if outcome not in CLAIM_OUTCOMES or outcome == "open":
        raise HomesError(
            f"claim {found.id}: the outcome is one of "
            f"{', '.join(o for o in CLAIM_OUTCOMES if o != 'open')} (got {outcome!r})"
        )
    if found.outcome == "upheld" and found.kind == "compensation":
        if outcome != "paid":
            raise HomesError(
                f"claim {found.id} was upheld on {found.decided_on.isoformat()}: "
                "what is left is to pay it"
            )
    elif found.outcome != "open":
        on = f" on {found.decided_on.isoformat()}" if found.decided_on else ""
        raise HomesError(f"claim {found.id} is already decided ({found.outcome}{on})")
    if outcome not in DECISIONS[found.kind]:
        raise HomesError(f"claim {found.id} is a complaint: only compensation claims are paid")


def _check_paid(found: Claim, outcome: str, paid) -> float | None:
    if outcome != "paid":
        if paid is not None:
            raise HomesError(
                f"claim {found.id}: an amount paid goes with the outcome 'paid' (got {outcome!r})"
            )
        return None
    if paid is None:
        raise HomesError(f"claim {found.id}: say how much was paid")
    paid = _money(paid, f"claim {found.id}: the amount paid")
    if paid == 0:
        raise HomesError(f"claim {found.id}: nothing paid is not 'paid' (upheld or rejected?)")
    if found.amount is not None and paid > found.amount:
        raise HomesError(
            f"claim {found.id}: £{paid:,.2f} paid is more than the £{found.amount:,.2f} claimed"
        )
    return paid


def decide_claim(
    session: Session,
    *,
    claim_id: int,
    outcome: str,
    decided_on: date,
    actor: Actor,
    paid: float | None = None,
) -> Claim:
    """Decide an open claim (upheld, rejected, withdrawn, or paid with the amount paid).

    An upheld compensation claim may later be decided ``paid``; any other
    decided claim is closed. Refused: an unknown outcome, deciding a closed
    claim, paying a complaint, ``paid`` missing, negative, zero or above the
    amount claimed (or given with another outcome), a date in the future or
    before the claim was received.
    """
    found = claim(session, claim_id)
    _check_decision(found, outcome)
    paid = _check_paid(found, outcome, paid)
    decided_on = _check_day(decided_on, f"claim {claim_id}: the decision date")
    if decided_on < found.received_on:
        raise HomesError(
            f"claim {claim_id}: decided ({decided_on.isoformat()}) before it was received "
            f"({found.received_on.isoformat()})"
        )
    found.outcome, found.paid, found.decided_on = outcome, paid, decided_on
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_claim",
        record_id=found.id,
        detail={"outcome": outcome, "paid": paid},
    )
    return found


def claims_summary(session: Session, *, confidence: float = 0.95) -> ClaimsSummary:
    """Claims by kind and outcome, compensation per installed job (exact CI), and money paid."""
    if not 0 < confidence < 1:
        raise HomesError(f"confidence must be between 0 and 1, got {confidence}")
    installed = int(
        session.scalar(select(func.count(Job.id)).where(Job.status == "installed")) or 0
    )
    rows = session.execute(
        select(Claim.job_id, Claim.kind, Claim.outcome, Claim.amount, Claim.paid, Job.status).join(
            Job, Job.id == Claim.job_id
        )
    ).all()
    by_outcome = {kind: dict.fromkeys(CLAIM_OUTCOMES, 0) for kind in CLAIM_KINDS}
    claimed, paid_jobs = set(), set()
    for job_id, kind, outcome, _, paid, status in rows:
        by_outcome.setdefault(kind, {}).setdefault(outcome, 0)
        by_outcome[kind][outcome] += 1
        if kind == "compensation" and status == "installed":
            claimed.add(job_id)
            if paid:
                paid_jobs.add(job_id)
    total_paid = float(sum(r.paid or 0.0 for r in rows))
    return ClaimsSummary(
        jobs_installed=installed,
        claims=len(rows),
        open=sum(r.outcome == "open" for r in rows),
        by_kind={kind: sum(counts.values()) for kind, counts in by_outcome.items()},
        by_outcome=by_outcome,
        on_jobs_not_installed=sum(r.status != "installed" for r in rows),
        compensation=_rate(len(claimed), installed, confidence),
        paid=_rate(len(paid_jobs), installed, confidence),
        total_claimed=float(sum(r.amount or 0.0 for r in rows)),
        total_paid=total_paid,
        paid_per_job=total_paid / installed if installed else math.nan,
        confidence=confidence,
        interval="Clopper-Pearson exact",
    )


def _rate(count: int, jobs: int, confidence: float) -> ClaimRate:
    low, high = exact_interval(count, jobs, confidence=confidence)
    return ClaimRate(count, jobs, count / jobs if jobs else math.nan, low, high)
