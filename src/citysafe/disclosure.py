"""The small-count rule: public figures from the partnership's own records hide counts of 1 to 4.

Counts taken from the partnership's records (cases, Safe Haven usage logs,
requests, votes) can point at a person when they are small, so every public
output of them goes through this module. police.uk figures are already
public and are shown as police.uk shows them; they do not come here.

The rule
--------
1. *Primary suppression*: a count from 1 to 4 is hidden. Zero is shown: it
   identifies no one.
2. *Secondary suppression*: a table is published with its totals (row
   totals, column totals and the grand total, computed from the true
   counts), so a hidden cell must not be recoverable by subtraction. A
   total and its cells form a *line*; no line may hold exactly one hidden
   member. Wherever one does, another cell of that line is hidden too: one
   that also pairs the lone hidden member of a crossing line if there is
   one, else the smallest non-zero cell, else a zero cell, else the line's
   total; lines are checked again until none needs more.
3. Finally the hidden cells are checked as a system of linear equations
   (every published total is one equation): any hidden count that the
   equations still pin down (two blocks of hidden cells joined by a single
   cell, for example) leads to one more hidden cell in its row, and the
   check repeats. What is left cannot be recovered exactly from the table.

Hidden values are shown as ``[c]`` ("confidential"), the symbol the UK
Government Statistical Service uses; a hidden cell may hold any value, so a
reader cannot tell a secondary from a primary suppression. The rule guards
against exact recovery; ranges can still be narrowed (a hidden cell is at
most its line's total), which is accepted practice for counts of this kind.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "HIDDEN",
    "SMALLEST_SHOWN",
    "Shown",
    "SuppressedCounts",
    "SuppressedTable",
    "show",
    "small_count",
    "suppress_counts",
    "suppress_table",
]

SMALLEST_SHOWN = 5  # counts from 1 to SMALLEST_SHOWN - 1 are hidden
HIDDEN = "[c]"


@dataclass(frozen=True)
class Shown:
    """A count as published: ``value`` is None and ``display`` is ``[c]`` when hidden."""

    value: int | None
    display: str
    suppressed: bool

    def __str__(self) -> str:
        return self.display


def _check(count, where: str = "count") -> int:
    if isinstance(count, bool) or not isinstance(count, int | np.integer):
        raise TypeError(f"{where} must be a whole number, not {type(count).__name__}")
    if count < 0:
        raise ValueError(f"{where} must not be negative (got {count})")
    return int(count)


def _shown(count: int, hidden: bool) -> Shown:
    if hidden:
        return Shown(None, HIDDEN, True)
    return Shown(count, f"{count:,}", False)


def small_count(count: int) -> Shown:
    """One count on its own: hidden when it is 1 to 4.

    Examples
    --------
    >>> small_count(3).display, small_count(0).display, small_count(1234).display
    ('[c]', '0', '1,234')
    """
    count = _check(count)
    return _shown(count, 0 < count < SMALLEST_SHOWN)


def show(value) -> str:
    """The Jinja filter ``small_count``: a count, or an already suppressed ``Shown``, as text."""
    if isinstance(value, Shown):
        return value.display
    if value is None:
        return ""
    return small_count(value).display


@dataclass(frozen=True)
class SuppressedCounts:
    """A list of counts with its total, as published."""

    counts: dict[Hashable, Shown]
    total: Shown

    def as_dict(self) -> dict:
        return {
            "counts": {str(k): v.value for k, v in self.counts.items()},
            "total": self.total.value,
            "suppressed": [str(k) for k, v in self.counts.items() if v.suppressed],
        }


@dataclass(frozen=True)
class SuppressedTable:
    """A table of counts with row, column and grand totals, as published."""

    cells: dict[Hashable, dict[Hashable, Shown]]
    row_totals: dict[Hashable, Shown]
    column_totals: dict[Hashable, Shown]
    total: Shown


def suppress_counts(counts: Mapping[Hashable, int]) -> SuppressedCounts:
    """Counts published with their total (one line of the rule).

    Examples
    --------
    >>> out = suppress_counts({"a": 3, "b": 12, "c": 40})
    >>> [out.counts[k].display for k in "abc"], out.total.display
    (['[c]', '[c]', '40'], '55')
    """
    values = {key: _check(n, f"count {key!r}") for key, n in counts.items()}
    members = {("cell", key): n for key, n in values.items()}
    members[("total",)] = sum(values.values())
    hidden = _protect(members, [(list(members)[:-1], ("total",))])
    return SuppressedCounts(
        counts={key: _shown(n, ("cell", key) in hidden) for key, n in values.items()},
        total=_shown(members[("total",)], ("total",) in hidden),
    )


def suppress_table(table: Mapping[Hashable, Mapping[Hashable, int]]) -> SuppressedTable:
    """A two-way table (row -> column -> count) published with all its totals.

    A column missing from a row counts as 0 there.
    """
    rows = list(table)
    columns = list(dict.fromkeys(c for row in table.values() for c in row))
    members: dict[tuple, int] = {}
    for r in rows:
        for c in columns:
            members[("cell", r, c)] = _check(table[r].get(c, 0), f"count [{r!r}][{c!r}]")
    for r in rows:
        members[("row", r)] = sum(members[("cell", r, c)] for c in columns)
    for c in columns:
        members[("column", c)] = sum(members[("cell", r, c)] for r in rows)
    members[("total",)] = sum(members[("row", r)] for r in rows)
    lines = [([("cell", r, c) for c in columns], ("row", r)) for r in rows]
    lines += [([("cell", r, c) for r in rows], ("column", c)) for c in columns]
    lines.append(([("row", r) for r in rows], ("total",)))
    lines.append(([("column", c) for c in columns], ("total",)))
    hidden = _protect(members, lines)

    def shown(key: tuple) -> Shown:
        return _shown(members[key], key in hidden)

    return SuppressedTable(
        cells={r: {c: shown(("cell", r, c)) for c in columns} for r in rows},
        row_totals={r: shown(("row", r)) for r in rows},
        column_totals={c: shown(("column", c)) for c in columns},
        total=shown(("total",)),
    )


Line = tuple[list[tuple], tuple]  # (cells, total): sum of the cells equals the total


def _protect(values: dict[tuple, int], lines: list[Line]) -> set[tuple]:
    """The members to hide: primary, then secondary until nothing can be recovered."""
    hidden = {key for key, n in values.items() if 0 < n < SMALLEST_SHOWN}
    while True:
        _close_lines(values, lines, hidden)
        pinned = _recoverable(values, lines, hidden)
        if not pinned:
            return hidden
        before = len(hidden)
        for key in pinned:
            for line in lines:
                if key in line[0] or key == line[1]:
                    extra = _next_to_hide(values, line, hidden, lines)
                    if extra is not None:
                        hidden.add(extra)
                        break
            if len(hidden) > before:
                break
        if len(hidden) == before:  # nothing left to hide beside it: hide everything
            hidden.update(values)
            return hidden


def _next_to_hide(values, line: Line, hidden, lines: list[Line]) -> tuple | None:
    """The shown member of ``line`` to hide next.

    A cell that also completes another line (one whose only hidden member it
    would pair) comes first, then the smallest non-zero cell, then a zero
    cell, then the line's total.
    """
    cells, total = line
    shown = [c for c in cells if c not in hidden]
    if not shown:
        return None if total in hidden else total

    def pairs_another(cell: tuple) -> bool:
        return any(
            other is not line
            and (cell in other[0] or cell == other[1])
            and _hidden_in(other, hidden) == 1
            for other in lines
        )

    return min(shown, key=lambda c: (not pairs_another(c), values[c] == 0, values[c]))


def _hidden_in(line: Line, hidden: set[tuple]) -> int:
    cells, total = line
    return sum(c in hidden for c in cells) + (total in hidden)


def _close_lines(values, lines: list[Line], hidden: set[tuple]) -> None:
    """Hide more until no line has exactly one hidden member."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if _hidden_in(line, hidden) == 1:
                extra = _next_to_hide(values, line, hidden, lines)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def _recoverable(values, lines: list[Line], hidden: set[tuple]) -> list[tuple]:
    """Hidden members whose value the published totals determine exactly.

    Each line is an equation over the hidden members (the shown ones are
    known); a hidden member is determined when its unit vector lies in the
    row space of the equations, that is when every null-space vector is zero
    there.
    """
    unknown = sorted(hidden, key=repr)
    if not unknown:
        return []
    index = {key: i for i, key in enumerate(unknown)}
    matrix = np.zeros((len(lines), len(unknown)))
    for row, (cells, total) in enumerate(lines):
        for c in cells:
            if c in index:
                matrix[row, index[c]] += 1.0
        if total in index:
            matrix[row, index[total]] -= 1.0
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0.0))).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return unknown
    free = np.abs(null).max(axis=0) > 1e-9
    return [key for key, f in zip(unknown, free, strict=True) if not f]
