"""Tables of what happens at a visit besides the fitting: the safety audit and any claims.

A safety audit is a checklist completed with the resident; each answer says
whether the point was secure and what advice was given. A claim is a
complaint or a request for compensation against one job.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citysafe.db import Base

__all__ = ["CLAIM_KINDS", "CLAIM_OUTCOMES", "AuditAnswer", "Claim", "SafetyAudit"]

CLAIM_KINDS = ("complaint", "compensation")
CLAIM_OUTCOMES = ("open", "upheld", "rejected", "paid", "withdrawn")


class SafetyAudit(Base):
    """The safety audit of one job's visit, completed with the resident."""

    __tablename__ = "homes_audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("homes_jobs.id"), unique=True)
    done_on: Mapped[date] = mapped_column(Date)
    done_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class AuditAnswer(Base):
    """One checklist point: secure or not (or not applicable), and the advice given."""

    __tablename__ = "homes_audit_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("homes_audits.id"), index=True)
    question: Mapped[str] = mapped_column(String(48))
    answer: Mapped[str] = mapped_column(String(8))
    advice: Mapped[str | None] = mapped_column(Text)


class Claim(Base):
    """A complaint or compensation claim against a job, with its amount and outcome."""

    __tablename__ = "homes_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("homes_jobs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(12))
    paid: Mapped[float | None] = mapped_column(Float)
    decided_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="ck_homes_claims_amount"),
        CheckConstraint("paid IS NULL OR paid >= 0", name="ck_homes_claims_paid"),
    )
