"""Pairs of events close in space, and their time differences under permutation of the times.

Permuting times over events leaves every pair's distance alone, so the pairs
within the largest spatial band are found once (a k-d tree); each permutation
then only recomputes those pairs' time differences and counts them. The pairs
are kept per spatial band as compressed rows (for each event, its
later-numbered neighbours), events numbered in the tree's spatial order so
that neighbours sit close together in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

__all__ = [
    "METRICS",
    "BandedPairs",
    "banded_pairs",
    "compact_times",
    "pairs_within_times",
    "time_table",
]

METRICS = {"euclidean": 2, "manhattan": 1}
_CHUNK = 4_000_000
_COMPARE_UP_TO = 16  # time bands counted by comparisons; more by a histogram
# the k-d tree is asked a little beyond the last edge; edges are then applied exactly
_SLACK = 1e-9


@dataclass(frozen=True)
class BandedPairs:
    """Pairs of events by spatial band, events renumbered in spatial order.

    ``order[k]`` is the input index of event k. For band s, event k's partners
    (all numbered above k) are ``partners[s][starts[s][k]:starts[s][k + 1]]``;
    ``repeats[s][k]`` is how many there are.
    """

    order: np.ndarray
    repeats: list[np.ndarray]
    partners: list[np.ndarray]

    @property
    def counts(self) -> np.ndarray:
        return np.array([p.size for p in self.partners], dtype=np.int64)


def banded_pairs(x: np.ndarray, y: np.ndarray, edges: np.ndarray, metric: str) -> BandedPairs:
    """Unordered pairs of distinct events by distance band (upper edges inclusive)."""
    n = x.size
    if n < 2:
        empty = [np.zeros(n, dtype=np.int64) for _ in edges]
        return BandedPairs(np.arange(n), empty, [np.zeros(0, dtype=np.intp) for _ in edges])
    tree = cKDTree(np.column_stack([x, y]))
    order = np.asarray(tree.indices, dtype=np.intp)
    rank = np.empty(n, dtype=np.intp)
    rank[order] = np.arange(n)
    found = tree.query_pairs(
        float(edges[-1]) * (1 + _SLACK) + _SLACK, p=METRICS[metric], output_type="ndarray"
    )
    firsts, seconds, bands = _bands_of(found, x, y, edges, metric, rank)
    del found
    repeats, partners = [], []
    for band in range(edges.size):
        chosen = bands == band
        rows = sparse.csr_array(
            (np.ones(int(chosen.sum()), dtype=np.int8), (firsts[chosen], seconds[chosen])),
            shape=(n, n),
        )
        repeats.append(np.diff(rows.indptr).astype(np.int64))
        partners.append(rows.indices.astype(np.intp))
    return BandedPairs(order, repeats, partners)


def _bands_of(found, x, y, edges, metric, rank):
    """Spatial band of each pair found (none beyond the last edge), events in spatial order."""
    firsts, seconds, bands = [], [], []
    for start in range(0, found.shape[0], _CHUNK):
        a, b = found[start : start + _CHUNK, 0], found[start : start + _CHUNK, 1]
        dx, dy = x[a] - x[b], y[a] - y[b]
        if metric == "euclidean":
            band = np.searchsorted(edges * edges, dx * dx + dy * dy, side="left")
        else:
            band = np.searchsorted(edges, np.abs(dx) + np.abs(dy), side="left")
        keep = band < edges.size
        ra, rb = rank[a[keep]], rank[b[keep]]
        firsts.append(np.minimum(ra, rb).astype(np.int32 if x.size < 2**31 else np.int64))
        seconds.append(np.maximum(ra, rb).astype(firsts[-1].dtype))
        bands.append(band[keep].astype(np.int16))
    if not bands:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int16)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(bands)


def compact_times(times: np.ndarray) -> np.ndarray:
    """Times shifted to start at 0, in the smallest integer type their differences fit."""
    if times.size == 0:
        return times.astype(np.int16)
    shifted = times - times.min()
    span = int(shifted.max())
    return shifted.astype(np.int16 if span < 2**15 else np.int32 if span < 2**31 else np.int64)


def time_table(pairs: BandedPairs, ordered_times: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``(space bands, time bands)`` pairs by spatial band and closed time band of ``|dt|``.

    ``ordered_times`` are the (permuted) times of the events in spatial order.
    """
    within = np.zeros((len(pairs.partners), edges.size), dtype=np.int64)
    largest = max((p.size for p in pairs.partners), default=0)
    # scratch space reused band after band (fresh memory is slow to fault in)
    partner_times = np.empty(largest, dtype=ordered_times.dtype)
    flags = np.empty(largest, dtype=bool)
    for band, (repeats, partners) in enumerate(zip(pairs.repeats, pairs.partners, strict=True)):
        if partners.size:
            size = partners.size
            gaps = np.repeat(ordered_times, repeats)
            # partners are valid indices: "clip" only skips numpy's bounds check
            np.take(ordered_times, partners, mode="clip", out=partner_times[:size])
            np.subtract(gaps, partner_times[:size], out=gaps)
            np.abs(gaps, out=gaps)
            within[band] = _pairs_within(gaps, edges, flags[:size])
    return np.diff(within, axis=1, prepend=0)


def _pairs_within(gaps: np.ndarray, edges: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """How many time gaps are at most each edge."""
    if edges.size > _COMPARE_UP_TO:
        counts = np.cumsum(np.bincount(gaps))
        return counts[np.minimum(edges, counts.size - 1)]
    # a few comparisons beat a histogram; plain ints keep them in the gaps' small type
    largest = int(np.iinfo(gaps.dtype).max)
    return np.array(
        [np.count_nonzero(np.less_equal(gaps, min(int(e), largest), out=flags)) for e in edges]
    )


def pairs_within_times(times: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Number of unordered pairs of events whose time difference is at most each edge."""
    ordered = np.sort(times)
    first_later = np.arange(1, ordered.size + 1)
    return np.array(
        [
            int((np.searchsorted(ordered, ordered + edge, side="right") - first_later).sum())
            for edge in edges
        ],
        dtype=np.int64,
    )
