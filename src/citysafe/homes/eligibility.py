"""Who the programme serves, and how urgently: the eligibility rules as one table.

Pure rules, no database: a request is described by where the home is (its
target area, if any, and whether it lies in the partnership's area) and by
any agency referral; :func:`decide` returns the :class:`Decision` with the
rule that applied and a reason a coordinator can read out.

The rules (``RULES``, most urgent first; priority 1 is the most urgent):

=================  ========  ==========================================================
rule               priority  why
=================  ========  ==========================================================
hate crime         1         targeted again and again; Liverpool's plan secures them first
repeat victim      1         a home burgled before is the likeliest to be burgled next
domestic abuse     1         security is part of the victim's safety plan
burglary victim    2         the near-repeat risk to the home itself, as a cocoon move
other referral     3         an agency's judgement, below the named victim groups
target area        4         the programme's standing offer to every home in its areas
=================  ========  ==========================================================

A referral counts anywhere in the partnership's area; without one, only a
home in a target area is eligible. When several rules apply the most urgent
wins and the others are kept in ``Decision.also``. A cocoon move (a burglary
nearby, see :mod:`citysafe.homes.cocoon`) raises a home to ``COCOON_PRIORITY``
while its window lasts.
"""

from __future__ import annotations

from dataclasses import dataclass

from citysafe.homes.models_requests import REFERRALS

__all__ = [
    "COCOON_PRIORITY",
    "RULES",
    "STANDARD_PRIORITY",
    "Decision",
    "Rule",
    "decide",
    "rule",
]


@dataclass(frozen=True)
class Rule:
    """One line of the rule table: its name, the priority it gives, and its reason's wording."""

    name: str
    priority: int
    reason: str


RULES: tuple[Rule, ...] = (
    Rule("hate crime", 1, "referred by {agency} as a hate crime victim"),
    Rule("repeat victim", 1, "referred by {agency} as a repeat victim"),
    Rule("domestic abuse", 1, "referred by {agency} as a victim of domestic abuse"),
    Rule("burglary victim", 2, "referred by {agency} as a burglary victim"),
    Rule("other", 3, "referred by {agency} (other reason)"),
    Rule("target area", 4, "in target area {area}"),
)
STANDARD_PRIORITY = 4
COCOON_PRIORITY = 2

NOT_IN_TARGET_AREA = (
    "not eligible: the home is not in any of the programme's target areas and no agency "
    "has referred it; the free service is for homes in the target areas and for victims "
    "an agency refers"
)
OUTSIDE_PARTNERSHIP = (
    "not eligible: the home is outside the partnership's area, so even a referral cannot be served"
)


def rule(name: str) -> Rule:
    """The rule called ``name`` (a referral type or "target area")."""
    for found in RULES:
        if found.name == name:
            return found
    raise KeyError(name)


@dataclass(frozen=True)
class Decision:
    """Eligible or not, at what priority (None when not), by which rule, and why.

    ``also`` holds the reasons of other rules that apply too (a referred
    victim who also lives in a target area).
    """

    eligible: bool
    priority: int | None
    rule: str | None
    reason: str
    also: tuple[str, ...] = ()

    @property
    def full_reason(self) -> str:
        return "; ".join((self.reason, *self.also))


def decide(
    *,
    target_area: str | None,
    referral: str | None = None,
    agency: str | None = None,
    in_partnership_area: bool = True,
) -> Decision:
    """Apply the rule table to one home.

    Parameters
    ----------
    target_area : str or None
        Name of the target area the home is in, None when it is in none.
    referral : str or None
        The agency's reason for referring (one of ``REFERRALS``), None without a referral.
    agency : str or None
        The referring agency's name, for the reason's wording.
    in_partnership_area : bool
        False when the home lies outside the partnership's area.

    Raises
    ------
    ValueError
        An unknown referral.

    Examples
    --------
    >>> decide(target_area="Granby").reason
    'in target area Granby'
    >>> found = decide(target_area=None, referral="hate crime", agency="Victim Support")
    >>> found.priority, found.reason
    (1, 'referred by Victim Support as a hate crime victim')
    >>> decide(target_area=None).eligible
    False
    """
    if referral is not None and referral not in REFERRALS:
        raise ValueError(f"referral must be one of {', '.join(REFERRALS)}, got {referral!r}")
    applying = []
    if referral is not None and in_partnership_area:
        found = rule(referral)
        applying.append((found, found.reason.format(agency=agency or "an agency")))
    if target_area is not None:
        found = rule("target area")
        applying.append((found, found.reason.format(area=target_area)))
    if not applying:
        reason = OUTSIDE_PARTNERSHIP if not in_partnership_area else NOT_IN_TARGET_AREA
        return Decision(eligible=False, priority=None, rule=None, reason=reason)
    applying.sort(key=lambda pair: pair[0].priority)
    (best, reason), others = applying[0], applying[1:]
    return Decision(
        eligible=True,
        priority=best.priority,
        rule=best.name,
        reason=reason,
        also=tuple(text for _, text in others),
    )
