"""The network's evidence page: the halo, the table by crime type, displacement and the
cost-benefit, from the evidence engine's evaluation of the network's scheme.

The figures and the halo chart are the scheme report's (``schemes.report``);
the full printable report is linked, not drawn a second time.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.havens import evidence
from citysafe.havens.api_venues import actor_of
from citysafe.havens.errors import HavenError
from citysafe.havens.pages import back_to, page
from citysafe.schemes import report
from citysafe.schemes.evaluate import Settings, methods_text
from citysafe.schemes.service import SchemeError
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import current_caller, get_session

router = APIRouter(include_in_schema=False)
DbSession = Annotated[Session, Depends(get_session)]
DEFINES = (Role.ADMIN, Role.ANALYST, Role.MANAGER, Role.COORDINATOR)  # as POST /api/schemes
PAGE_SETTINGS = Settings(permutations=199)  # as the scheme report page


def _defines(request: Request) -> bool:
    roles = current_caller(request).roles or set()
    return bool(roles & {r.value for r in DEFINES})


def _ratio(found: dict) -> dict:
    """A ring's effect for the halo table: the ratio, its CI, and as a change in per cent."""
    ratio, low, high = found.get("ratio"), found.get("ci_low"), found.get("ci_high")
    if ratio is None:
        return {"ratio": "n/a", "ci": "", "change": "n/a"}
    return {
        "ratio": f"{ratio:.2f}",
        "ci": "" if low is None or high is None else f"{low:.2f} to {high:.2f}",
        "change": f"{(ratio - 1) * 100:+.0f}%",
    }


def _pounds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{'-' if value < 0 else ''}£{abs(value):,.0f}"


def _money(found: dict | None) -> dict | None:
    if not found:
        return None
    valued = [
        {
            "type": name,
            "prevented": f"{t['prevented']:.0f}",
            "prevented_ci": f"{t['prevented_low']:.0f} to {t['prevented_high']:.0f}",
            "unit_cost": "none" if t["unit_cost"] is None else _pounds(t["unit_cost"]),
            "status": t["status"],
            "saving": _pounds(t["saving"]),
        }
        for name, t in sorted((found.get("by_type") or {}).items())
        if t.get("prevented") is not None
    ]
    return {
        "cost": _pounds(found["cost"]),
        "saving": _pounds(found["saving"]),
        "saving_ci": f"{_pounds(found['saving_low'])} to {_pounds(found['saving_high'])}",
        "net": _pounds(found["net"]),
        "return": f"{found['return_per_pound']:,.1f}",
        "return_ci": f"{found['return_low']:,.1f} to {found['return_high']:,.1f}",
        "break_even": found.get("break_even_month"),
        "months": found.get("months_since_start"),
        "unverified": ", ".join(found.get("unverified") or []),
        "reference": found.get("reference"),
        "by_type": valued,
    }


def _displacement(data: dict) -> list[dict]:
    rows = []
    for buffer in data.get("displacement") or []:
        effect = (buffer.get("by_type") or {}).get(report.ALL) or {}
        wdq = effect.get("wdq")
        rows.append(
            {
                "buffer": buffer.get("buffer"),
                "wdq": "n/a" if wdq is None else f"{wdq:.2f}",
                "reading": effect.get("reading") or "",
                "warning": effect.get("warning") or "",
            }
        )
    return rows


def _placebo(found: dict) -> str | None:
    p = ((found.get("by_type") or {}).get(report.ALL) or {}).get("p_sim")
    if p is None:
        return None
    return (
        f"Placebo test, inner ring, all crime: pseudo p = {p:.3g} from "
        f"{found.get('permutations')} placebo sets of sites (seed {found.get('seed')}). "
        + (found.get("warning") or "")
    ).strip()


def _evidence_view(found: evidence.NetworkEvidence) -> dict:
    import matplotlib

    matplotlib.use("Agg")  # as the scheme report does: no display on a server
    result = found.evaluation
    data = result.as_dict()
    return {
        "halo": [
            {
                "ring": f"{row['inner_m']:g}-{row['outer_m']:g} m",
                "points": row["points"],
                "all": _ratio(row["All crime"]),
                "violence": _ratio(row["Violence and sexual offences"]),
                "violence_counts": (
                    row["Violence and sexual offences"]["before"] or 0,
                    row["Violence and sexual offences"]["after"] or 0,
                ),
            }
            for row in found.halo()
        ],
        "halo_chart": report.ring_chart(result),  # the scheme report's own chart
        "inner": f"{result.settings.rings[0]:g}",
        "by_type": [
            {**row, "p": "n/a" if row["p"] is None else f"{row['p']:.2g}"}
            for row in report.headline_rows(result)
        ],
        "placebo": _placebo(data.get("placebo") or {}),
        "displacement": _displacement(data),
        "money": _money(data.get("cost_benefit")),
        "methods": methods_text(result),
        "data_months": result.data_months,
        "report_url": f"/schemes/{quote(found.scheme.name, safe='')}/report",
    }


def _evidence_page(request: Request, session: Session, error: str | None = None):
    status = evidence.network_status(session)
    view, problem = None, None
    if status.name is not None:
        try:
            view = _evidence_view(evidence.network_evidence(session, settings=PAGE_SETTINGS))
        except (SchemeError, ValueError) as refused:
            problem = str(refused)
    return page(
        request,
        "havens/evidence.html",
        {
            "status": status,
            "view": view,
            "problem": problem,
            "defines": _defines(request),
            "default_cost": evidence.SETUP_COST,
        },
        error,
    )


@router.get("/havens/evidence")
@allow(*ANY_STAFF)
def evidence_page(request: Request, session: DbSession):
    """Does the network work? The evidence engine's answer for its venues."""
    return _evidence_page(request, session)


@router.post("/havens/evidence")
@allow(*DEFINES)
def define_scheme(
    request: Request,
    session: DbSession,
    setup_cost: Annotated[str, Form(max_length=20)] = "",
):
    """Make the network's scheme from its venues, or bring it up to date."""
    try:
        cost = float(setup_cost.replace(",", "").replace("£", "")) if setup_cost.strip() else None
    except ValueError:
        return _evidence_page(
            request, session, error=f"setup_cost: {setup_cost!r} is not a number of pounds"
        )
    try:
        evidence.define_network_scheme(session, actor=actor_of(request), setup_cost=cost)
    except HavenError as refused:
        session.rollback()
        return _evidence_page(request, session, error=str(refused))
    session.commit()
    return back_to("/havens/evidence")
