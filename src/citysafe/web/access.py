"""Who may use each route, declared in one place: the route itself.

Every route of the app carries an ``Access`` rule, set with ``@allow(...)``
on its endpoint. The app's single dependency, ``authorise``, reads the rule
of the matched route and refuses the request unless it passes; a route with
no rule is refused for everyone, so a forgotten declaration fails closed
(and the route-by-role test fails too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from citysafe.accounts.roles import AgencyKind, Role

RULE_ATTRIBUTE = "__citysafe_access__"


@dataclass(frozen=True)
class Access:
    """A route's rule: public, or signed-in users holding one of ``roles``.

    ``agencies`` (when not empty) narrows it to users of those kinds of agency.
    """

    public: bool = False
    roles: frozenset[Role] = field(default_factory=frozenset)
    agencies: frozenset[AgencyKind] = field(default_factory=frozenset)

    def permits(self, roles: Iterable[str] | None, agency: str | None) -> bool:
        """Whether a caller with these roles and agency kind may pass (None: anonymous)."""
        if self.public:
            return True
        if roles is None:
            return False
        if self.agencies and agency not in self.agencies:
            return False
        return bool(self.roles & set(roles))


PUBLIC = Access(public=True)


def allow(*roles: Role, agencies: Iterable[AgencyKind] = (), public: bool = False) -> Callable:
    """Declare who may call the decorated endpoint."""
    if public and (roles or agencies):
        raise ValueError("a public route names no roles or agencies")
    if not public and not roles:
        raise ValueError("name at least one role, or public=True")
    rule = PUBLIC if public else Access(roles=frozenset(roles), agencies=frozenset(agencies))

    def mark(endpoint: Callable) -> Callable:
        setattr(endpoint, RULE_ATTRIBUTE, rule)
        return endpoint

    return mark


def rule_of(endpoint: Callable | None) -> Access | None:
    return getattr(endpoint, RULE_ATTRIBUTE, None)


ANY_STAFF = tuple(Role)
