"""The safety audit: a checklist gone through with the resident at the visit, with advice.

Every point is asked so that "yes" means secure; "no" means not secure, and
the team gives the point's advice (or its own words); "n/a" when the point
does not apply (no back door, a ground-floor flat). Across the programme the
answers show where homes are left open to burglars: the seed's lesson was
that 30% of the burglaries that still happened came through open windows or
unlocked doors.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date

from scipy import stats
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.models import Job, JobEvent
from citysafe.homes.models_visits import AuditAnswer, SafetyAudit

__all__ = [
    "ANSWERS",
    "CHECKLIST",
    "LEFT_OPEN",
    "AuditPoint",
    "AuditSummary",
    "JobAudit",
    "PointSummary",
    "audit_summary",
    "job_audit",
    "record_audit",
    "wilson_interval",
]

ANSWERS = ("yes", "no", "n/a")


@dataclass(frozen=True)
class AuditPoint:
    """One point of the checklist: its code, topic, question (yes = secure) and advice."""

    code: str
    topic: str
    question: str
    advice: str


CHECKLIST = (
    AuditPoint(
        "front_door",
        "doors",
        "Does the front door have a working deadlock or multi-point lock?",
        "Fit a British Standard (BS 3621) deadlock or a multi-point lock to the front door.",
    ),
    AuditPoint(
        "back_door",
        "doors",
        "Does the back or side door have a working deadlock, with bolts top and bottom?",
        "Fit a deadlock and bolts top and bottom to the back or side door.",
    ),
    AuditPoint(
        "doors_locked",
        "doors",
        "Are the outside doors kept locked, even when someone is at home?",
        "Lock the doors and take the key out even when you are in: "
        "a burglar can walk in through an unlocked back door while you are at the front.",
    ),
    AuditPoint(
        "side_gate",
        "doors",
        "Is the side passage or back gate kept locked?",
        "Keep the side gate bolted so nobody can reach the back of the house unseen.",
    ),
    AuditPoint(
        "window_locks",
        "windows",
        "Do the ground-floor windows have key-operated locks?",
        "Fit key-operated locks to the ground-floor windows (the team can fit window locks).",
    ),
    AuditPoint(
        "windows_shut",
        "windows",
        "Are the windows shut and locked whenever the home is empty or everyone is asleep?",
        "Shut and lock every window, small top lights too, when you go out or to bed.",
    ),
    AuditPoint(
        "upper_windows",
        "upper floors",
        "Are the upper-floor windows out of reach, or locked (no drainpipe, bin or ladder "
        "to climb)?",
        "Lock upper windows that can be reached; keep ladders and wheelie bins locked away.",
    ),
    AuditPoint(
        "flat_roof",
        "upper floors",
        "Are windows above a flat roof, porch or extension locked?",
        "Fit locks to windows above a flat roof, porch or extension: "
        "the alarm's detectors cover the ground floor only.",
    ),
    AuditPoint(
        "outside_light",
        "lighting",
        "Is there a working outside light at the front and the back?",
        "Fit a dusk-to-dawn or movement-sensor light over the front and back doors.",
    ),
    AuditPoint(
        "valuables_hidden",
        "valuables",
        "Are valuables (phones, laptops, cash, jewellery) out of sight from the windows?",
        "Keep valuables out of sight of the windows and doors.",
    ),
    AuditPoint(
        "keys_away",
        "valuables",
        "Are house and car keys kept out of sight, away from the door and letterbox?",
        "Keep keys out of sight and away from the door, where they cannot be fished "
        "through the letterbox.",
    ),
    AuditPoint(
        "property_marked",
        "marking",
        "Is valuable property marked (forensic marking or postcode)?",
        "Mark valuables with the forensic marking kit and put the warning sticker up.",
    ),
    AuditPoint(
        "property_registered",
        "marking",
        "Are marked items and serial numbers on the national property register?",
        "Register marked items and serial numbers on the national property register "
        "so the police can trace them.",
    ),
)
_POINTS = {p.code: p for p in CHECKLIST}
# the seed's lesson: homes left open, a door unlocked or a window open
LEFT_OPEN = ("doors_locked", "windows_shut")
# a visit happened when the job was ever visited or installed, whatever came after
VISITED = ("visited", "installed")


@dataclass(frozen=True)
class JobAudit:
    """A job's safety audit with its answers (code to answer, code to advice given)."""

    audit_id: int
    job_id: int
    done_on: date
    done_by: str
    note: str | None
    answers: dict[str, str]
    advice: dict[str, str]


@dataclass(frozen=True)
class PointSummary:
    """A checklist point over the programme: how often it was found not secure.

    ``answered`` counts "yes" and "no" (not "n/a"); ``share`` is
    ``not_secure / answered`` with its Wilson interval (NaN when unanswered).
    """

    code: str
    topic: str
    question: str
    answered: int
    not_secure: int
    not_applicable: int
    share: float
    ci_low: float
    ci_high: float
    advice_given: int


@dataclass(frozen=True)
class AuditSummary:
    """Safety audits across the programme, points ordered by share not secure (highest first).

    ``left_open`` is the seed's lesson: audits that found a door kept unlocked
    or a window left open, out of the audits answering either point.
    """

    audits: int
    points: list[PointSummary]
    left_open: PointSummary
    advice_given: int
    audits_with_advice: int
    confidence: float
    interval: str

    def as_dict(self) -> dict:
        """JSON-ready; NaN shares (a point never answered) become null."""
        return _no_nan(asdict(self))


def _no_nan(value):
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def wilson_interval(count: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's (1927) score interval for a proportion ``count / n``; (NaN, NaN) when n is 0.

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(3, 10)]
    [0.1078, 0.6032]
    """
    if n == 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p, z2 = count / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _visited(session: Session, found: Job) -> bool:
    if found.status in VISITED:
        return True
    event = session.scalar(
        select(JobEvent.id).where(JobEvent.job_id == found.id, JobEvent.status.in_(VISITED))
    )
    return event is not None


def _check_answers(job_id: int, answers: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(answers, Mapping):
        raise HomesError(f"job {job_id}: answers must map checklist codes to yes, no or n/a")
    unknown = sorted(set(answers) - set(_POINTS))
    if unknown:
        raise HomesError(
            f"job {job_id}: no checklist point {', '.join(map(repr, unknown))} "
            f"(the points are {', '.join(_POINTS)})"
        )
    missing = [code for code in _POINTS if code not in answers]
    if missing:
        raise HomesError(f"job {job_id}: no answer for {', '.join(missing)}")
    checked = {}
    for code, answer in answers.items():
        value = answer.strip().lower() if isinstance(answer, str) else answer
        if value not in ANSWERS:
            raise HomesError(f"job {job_id}, point {code}: answer yes, no or n/a (got {answer!r})")
        checked[code] = value
    return checked


def _advice(job_id: int, answers: dict[str, str], given: Mapping[str, str] | None) -> dict:
    given = dict(given or {})
    unknown = sorted(set(given) - set(_POINTS))
    if unknown:
        raise HomesError(f"job {job_id}: advice for no checklist point {', '.join(unknown)}")
    advice = {}
    for code, answer in answers.items():
        if code in given:
            text = given[code]
            if text is not None and not isinstance(text, str):
                raise HomesError(f"job {job_id}, point {code}: advice must be text")
            # an empty override records that no advice was given
            advice[code] = (text or "").strip() or None
        else:
            advice[code] = _POINTS[code].advice if answer == "no" else None
    return advice


def record_audit(
    session: Session,
    *,
    job_id: int,
    answers: Mapping[str, str],
    actor: Actor,
    done_on: date | None = None,
    advice: Mapping[str, str] | None = None,
    note: str | None = None,
) -> SafetyAudit:
    """Record a job's safety audit: an answer for every checklist point, and the advice given.

    A "no" gets the checklist's advice unless ``advice`` gives other words
    (an empty string: no advice given); ``advice`` may add advice to other
    answers too. Refused: an unknown point, a point unanswered, an answer
    other than yes, no or n/a, a job never visited, a second audit of a job,
    a date in the future or before the job was requested.
    """
    found = session.get(Job, job_id)
    if found is None:
        raise NotFound(f"no job {job_id}")
    checked = _check_answers(job_id, answers)
    given = _advice(job_id, checked, advice)
    done_on = done_on or date.today()
    if not _visited(session, found):
        raise HomesError(
            f"job {job_id} is {found.status} and was never visited: "
            "a safety audit is done at the visit"
        )
    earlier = session.scalar(select(SafetyAudit).where(SafetyAudit.job_id == job_id))
    if earlier is not None:
        raise HomesError(
            f"job {job_id} already has a safety audit (done {earlier.done_on.isoformat()})"
        )
    if done_on > date.today():
        raise HomesError(f"job {job_id}: the audit date {done_on.isoformat()} is in the future")
    if done_on < found.requested_on:
        raise HomesError(
            f"job {job_id}: the audit date {done_on.isoformat()} is before the job was "
            f"requested ({found.requested_on.isoformat()})"
        )
    record = SafetyAudit(
        job_id=job_id, done_on=done_on, done_by=actor.username or "unknown", note=note
    )
    session.add(record)
    session.flush()
    session.add_all(
        AuditAnswer(audit_id=record.id, question=code, answer=checked[code], advice=given[code])
        for code in _POINTS
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        record_type="homes_safety_audit",
        record_id=record.id,
        detail={
            "job_id": job_id,
            "not_secure": sum(a == "no" for a in checked.values()),
            "advice_given": sum(a is not None for a in given.values()),
        },
    )
    return record


def job_audit(session: Session, *, job_id: int) -> JobAudit | None:
    """A job's safety audit with its answers, or None if it has none yet."""
    found = session.scalar(select(SafetyAudit).where(SafetyAudit.job_id == job_id))
    if found is None:
        return None
    rows = session.scalars(
        select(AuditAnswer).where(AuditAnswer.audit_id == found.id).order_by(AuditAnswer.id)
    ).all()
    return JobAudit(
        audit_id=found.id,
        job_id=job_id,
        done_on=found.done_on,
        done_by=found.done_by,
        note=found.note,
        answers={r.question: r.answer for r in rows},
        advice={r.question: r.advice for r in rows if r.advice},
    )


def _point(code, topic, question, counts: Counter, advice: int, confidence) -> PointSummary:
    answered = counts["yes"] + counts["no"]
    low, high = wilson_interval(counts["no"], answered, confidence=confidence)
    return PointSummary(
        code=code,
        topic=topic,
        question=question,
        answered=answered,
        not_secure=counts["no"],
        not_applicable=counts["n/a"],
        share=counts["no"] / answered if answered else math.nan,
        ci_low=low,
        ci_high=high,
        advice_given=advice,
    )


def audit_summary(session: Session, *, confidence: float = 0.95) -> AuditSummary:
    """Each checklist point across every audit: answered, not secure, share with Wilson CI.

    Points are ordered by share not secure, highest first (points never
    answered last); answers to points no longer on the checklist are kept
    under their code.
    """
    if not 0 < confidence < 1:
        raise HomesError(f"confidence must be between 0 and 1, got {confidence}")
    rows = session.execute(
        select(AuditAnswer.audit_id, AuditAnswer.question, AuditAnswer.answer, AuditAnswer.advice)
    ).all()
    counts: dict[str, Counter] = defaultdict(Counter)
    advice: Counter = Counter()
    per_audit: dict[int, dict[str, str]] = defaultdict(dict)
    for audit_id, code, answer, given in rows:
        counts[code][answer] += 1
        advice[code] += given is not None
        per_audit[audit_id][code] = answer
    order = [p.code for p in CHECKLIST] + sorted(set(counts) - set(_POINTS))
    points = [
        _point(
            code,
            _POINTS[code].topic if code in _POINTS else "not on the checklist",
            _POINTS[code].question if code in _POINTS else code,
            counts[code],
            advice[code],
            confidence,
        )
        for code in order
    ]
    points.sort(key=lambda p: -1.0 if math.isnan(p.share) else p.share, reverse=True)
    left = Counter()
    for answers in per_audit.values():
        asked = [answers.get(code) for code in LEFT_OPEN if answers.get(code) in ("yes", "no")]
        if asked:
            left["no" if "no" in asked else "yes"] += 1
        else:
            left["n/a"] += 1
    left_open = _point(
        "left_open",
        "doors and windows",
        "A door kept unlocked or a window left open",
        left,
        0,
        confidence,
    )
    with_advice = {a for a, _, _, g in rows if g is not None}
    return AuditSummary(
        audits=int(session.scalar(select(func.count(SafetyAudit.id))) or 0),
        points=points,
        left_open=left_open,
        advice_given=sum(advice.values()),
        audits_with_advice=len(with_advice),
        confidence=confidence,
        interval="Wilson score",
    )
