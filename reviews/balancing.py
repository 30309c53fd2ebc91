"""Assigning ministry reviewers to regions: the arithmetic behind "balance".

Pure functions, no Django: the service layer reads regions, reviewers, declared
conflicts and the assignments already made, calls balance() and creates
Plan.new. Keeping the algorithm here lets it be tested exhaustively without a
database.

Why a flow network and not a greedy pass: a greedy pass can hand the only
eligible reviewer of a hard region to an easy one and leave a slot empty that
another order would have filled. A maximum flow through

    source -> region (capacity: slots missing)
           -> reviewer (capacity 1, only if eligible and not already assigned)
           -> sink (capacity: regions the reviewer may still take)

fills the most slots the hard rules allow. Among those fillings we then make the
load even: first the smallest possible maximum load (binary search on a load
ceiling, the same max-flow deciding whether a ceiling keeps full coverage), then
single-slot moves from a heavier to a lighter reviewer until none helps. A
filling where no such move exists is decreasingly minimal (Frank & Murota, 2022:
the reviewer loads of maximum flows form an M-convex set), so it also has the
fewest reviewers at the maximum load, the smallest sum of squared loads, and so
on.

Every loop runs over regions sorted by code and reviewers sorted by id, so the
same input in any order gives the same plan.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RegionSlot:
    code: str  # e.g. "36.74"
    province: str  # e.g. "36"


@dataclass(frozen=True)
class ReviewerSlot:
    id: int
    home_province: str | None


@dataclass(frozen=True)
class Plan:
    # (reviewer_id, region_code) to create, sorted.
    new: tuple[tuple[int, str], ...]
    # region_code -> slots still missing, only regions with a positive shortfall.
    shortfall: dict[str, int]
    # reviewer_id -> load after the plan (existing + new), every reviewer present.
    loads: dict[int, int]


def eligible(
    reviewer: ReviewerSlot,
    region: RegionSlot,
    *,
    conflicts: frozenset[tuple[int, str]] | set[tuple[int, str]],
    home_province_rule: bool,
) -> bool:
    """Whether the hard rules let this reviewer assess this region.

    A declared conflict of interest always excludes; with the home-province rule
    on, so does the reviewer's own province (a reviewer without a recorded home
    province has nothing to exclude).
    """
    if (reviewer.id, region.code) in conflicts:
        return False
    return not (
        home_province_rule
        and reviewer.home_province is not None
        and reviewer.home_province == region.province
    )


def balance(
    regions: Sequence[RegionSlot],
    reviewers: Sequence[ReviewerSlot],
    *,
    per_region: int,
    max_per_reviewer: int | None = None,
    conflicts: Collection[tuple[int, str]] = frozenset(),
    home_province_rule: bool = True,
    existing: Collection[tuple[int, str]] = frozenset(),
) -> Plan:
    """Plan the new assignments: fill every slot the rules allow, evenly.

    Existing assignments were chosen by an admin and are never undone, even when
    they break a rule now; they count toward their region's per_region and
    toward their reviewer's max_per_reviewer and load. Each side counts on its
    own: an existing pair whose reviewer is not among `reviewers` still fills
    its region, and one whose region is not among `regions` still loads its
    reviewer (a caller balancing part of a cycle keeps the rest of the work in
    view).
    """
    _check_arguments(regions, reviewers, per_region, max_per_reviewer)
    by_code = sorted(regions, key=lambda region: region.code)
    by_id = sorted(reviewers, key=lambda reviewer: reviewer.id)
    kept = frozenset(existing)
    filled = Counter(code for _, code in kept)
    held = Counter(reviewer_id for reviewer_id, _ in kept)

    needs = [max(0, per_region - filled[region.code]) for region in by_code]
    base_loads = [held[reviewer.id] for reviewer in by_id]
    # One region at most once per reviewer: the region count is cap enough.
    room = [
        len(by_code) if max_per_reviewer is None else max(0, max_per_reviewer - load)
        for load in base_loads
    ]
    edges = _candidate_pairs(
        by_code, by_id, frozenset(conflicts), home_province_rule, kept
    )

    network = _most_even_filling(needs, base_loads, room, edges)
    assigned = network.assigned_pairs()
    new = tuple(sorted((by_id[j].id, by_code[i].code) for i, j in assigned))
    taken_by_region = Counter(i for i, _ in assigned)
    taken_by_reviewer = Counter(j for _, j in assigned)
    return Plan(
        new=new,
        shortfall={
            region.code: needs[i] - taken_by_region[i]
            for i, region in enumerate(by_code)
            if needs[i] > taken_by_region[i]
        },
        loads={
            reviewer.id: base_loads[j] + taken_by_reviewer[j]
            for j, reviewer in enumerate(by_id)
        },
    )


def _check_arguments(
    regions: Sequence[RegionSlot],
    reviewers: Sequence[ReviewerSlot],
    per_region: int,
    max_per_reviewer: int | None,
) -> None:
    """Refuse input whose meaning is ambiguous rather than guess at it."""
    if per_region < 0:
        raise ValueError(f"per_region must be at least 0, not {per_region}")
    if max_per_reviewer is not None and max_per_reviewer < 0:
        raise ValueError(
            f"max_per_reviewer must be None or at least 0, not {max_per_reviewer}"
        )
    codes = Counter(region.code for region in regions)
    if twice := sorted(code for code, count in codes.items() if count > 1):
        raise ValueError(f"region codes given more than once: {twice}")
    ids = Counter(reviewer.id for reviewer in reviewers)
    if twice := sorted(id_ for id_, count in ids.items() if count > 1):
        raise ValueError(f"reviewer ids given more than once: {twice}")


def _candidate_pairs(
    regions: list[RegionSlot],
    reviewers: list[ReviewerSlot],
    conflicts: frozenset[tuple[int, str]],
    home_province_rule: bool,
    existing: frozenset[tuple[int, str]],
) -> list[tuple[int, int]]:
    """(region index, reviewer index) pairs a new assignment may use, sorted."""
    return [
        (i, j)
        for i, region in enumerate(regions)
        for j, reviewer in enumerate(reviewers)
        if (reviewer.id, region.code) not in existing
        and eligible(
            reviewer, region, conflicts=conflicts, home_province_rule=home_province_rule
        )
    ]


def _most_even_filling(
    needs: list[int],
    base_loads: list[int],
    room: list[int],
    edges: list[tuple[int, int]],
) -> _Network:
    """The network carrying a maximum filling with the most even reviewer loads."""
    network = _Network(needs, room, edges)
    network.fill()
    target = network.total_flow()
    ceiling = _lowest_ceiling(network, base_loads, room, target)

    network.restart(_room_under(ceiling, base_loads, room))
    network.fill()
    network.set_reviewer_room(room)
    network.even_out(base_loads)
    return network


def _lowest_ceiling(
    network: _Network, base_loads: list[int], room: list[int], target: int
) -> int:
    """The smallest maximum load at which `target` slots can still be filled.

    Feasibility is monotone in the ceiling, so a binary search between the
    obvious lower bounds and the maximum load of the filling the network holds
    now (a maximum one) finds it. Only a starting point for even_out, but a
    good one: it saves most of the single-slot moves.
    """
    if not base_loads:
        return 0
    total = sum(base_loads) + target
    low = max(max(base_loads), -(-total // len(base_loads)))
    high = max(network.reviewer_loads(base_loads))
    while low < high:
        middle = (low + high) // 2
        network.restart(_room_under(middle, base_loads, room))
        network.fill()
        if network.total_flow() == target:
            high = middle
        else:
            low = middle + 1
    return high


def _room_under(ceiling: int, base_loads: list[int], room: list[int]) -> list[int]:
    """Each reviewer's room when no total load may exceed `ceiling`."""
    return [
        min(space, max(0, ceiling - load))
        for space, load in zip(room, base_loads, strict=True)
    ]


class _Network:
    """The source -> regions -> reviewers -> sink network, in residual form.

    Edges live in flat lists; edge e and e ^ 1 are each other's reverse, so the
    residual capacity of e ^ 1 is the flow on e. Every augmenting path crosses a
    capacity-1 region -> reviewer edge, so every augmentation carries exactly
    one slot.
    """

    def __init__(
        self, needs: list[int], room: list[int], edges: list[tuple[int, int]]
    ) -> None:
        self.regions, self.reviewers = len(needs), len(room)
        self.source, self.sink = 0, self.regions + self.reviewers + 1
        self.heads: list[list[int]] = [[] for _ in range(self.sink + 1)]
        self.to: list[int] = []
        self.cap: list[int] = []
        self.source_edges = [
            self._add(self.source, 1 + i, n) for i, n in enumerate(needs)
        ]
        self.pair_edges = [
            (i, j, self._add(1 + i, self._reviewer_node(j), 1)) for i, j in edges
        ]
        self.sink_edges = [
            self._add(self._reviewer_node(j), self.sink, r) for j, r in enumerate(room)
        ]
        self.empty = self.cap.copy()

    def _reviewer_node(self, j: int) -> int:
        return 1 + self.regions + j

    def _add(self, u: int, v: int, capacity: int) -> int:
        edge = len(self.to)
        self.heads[u].append(edge)
        self.to.append(v)
        self.cap.append(capacity)
        self.heads[v].append(edge + 1)
        self.to.append(u)
        self.cap.append(0)
        return edge

    def _push(self, edge: int, amount: int = 1) -> None:
        self.cap[edge] -= amount
        self.cap[edge ^ 1] += amount

    def total_flow(self) -> int:
        return sum(self.cap[edge ^ 1] for edge in self.source_edges)

    def reviewer_loads(self, base_loads: list[int]) -> list[int]:
        return [
            load + self.cap[edge ^ 1]
            for load, edge in zip(base_loads, self.sink_edges, strict=True)
        ]

    def assigned_pairs(self) -> list[tuple[int, int]]:
        return [(i, j) for i, j, edge in self.pair_edges if self.cap[edge ^ 1]]

    def restart(self, room: list[int]) -> None:
        """Drop all flow and give reviewers this room: a new problem on the
        same graph, without rebuilding it."""
        self.cap = self.empty.copy()
        self.set_reviewer_room(room)

    def set_reviewer_room(self, room: list[int]) -> None:
        """Change how much each reviewer may take, keeping the current flow
        (room never below what a reviewer already carries)."""
        for edge, space in zip(self.sink_edges, room, strict=True):
            self.cap[edge] = space - self.cap[edge ^ 1]

    def fill(self) -> None:
        """Dinic's maximum flow from the current flow onward."""
        while (levels := self._levels()) is not None:
            cursor = [0] * len(self.heads)
            while self._augment_along_levels(levels, cursor):
                pass

    def _levels(self) -> list[int] | None:
        """BFS distances from the source, or None once the sink is unreachable."""
        levels = [-1] * len(self.heads)
        levels[self.source] = 0
        queue = deque([self.source])
        while queue:
            node = queue.popleft()
            for edge in self.heads[node]:
                nxt = self.to[edge]
                if self.cap[edge] > 0 and levels[nxt] < 0:
                    levels[nxt] = levels[node] + 1
                    queue.append(nxt)
        return levels if levels[self.sink] >= 0 else None

    def _augment_along_levels(self, levels: list[int], cursor: list[int]) -> bool:
        """Push one slot along a shortest path; False when the phase is blocked.

        Iterative depth-first search with Dinic's per-node cursor, so dead ends
        are never explored twice within a phase.
        """
        path: list[int] = []
        node = self.source
        while node != self.sink:
            heads = self.heads[node]
            while cursor[node] < len(heads):
                edge = heads[cursor[node]]
                if self.cap[edge] > 0 and levels[self.to[edge]] == levels[node] + 1:
                    break
                cursor[node] += 1
            if cursor[node] < len(heads):
                path.append(heads[cursor[node]])
                node = self.to[path[-1]]
            elif not path:
                return False
            else:
                levels[node] = -1  # a dead end for the rest of the phase
                node = self.to[path.pop() ^ 1]
                cursor[node] += 1
        for edge in path:
            self._push(edge)
        return True

    def even_out(self, base_loads: list[int]) -> None:
        """Move single slots from heavier to lighter reviewers while that helps.

        A move is a residual path from reviewer a to reviewer b through
        regions only: a chain of reassignments that keeps every region's
        coverage. (A path through the source would continue into an augmenting
        path, and there is none at maximum flow, so nothing is lost by leaving
        it out.) Each move lowers the sum of squared loads, so the loop ends.
        """
        while self._move_one_slot(self.reviewer_loads(base_loads)):
            pass

    def _move_one_slot(self, loads: list[int]) -> bool:
        open_loads = [
            loads[j] for j in range(self.reviewers) if self.cap[self.sink_edges[j]] > 0
        ]
        if not open_loads:
            return False
        lightest = min(open_loads)
        heaviest_first = sorted(range(self.reviewers), key=lambda j: (-loads[j], j))
        for a in heaviest_first:
            if loads[a] < lightest + 2:
                return False
            if self.cap[self.sink_edges[a] ^ 1] == 0:
                continue  # nothing new to take from a
            found = self._path_to_lighter(a, loads)
            if found is not None:
                steps, b = found
                for edge in steps:
                    self._push(edge)
                self._push(self.sink_edges[a], -1)
                self._push(self.sink_edges[b])
                return True
        return False

    def _path_to_lighter(
        self, a: int, loads: list[int]
    ) -> tuple[list[int], int] | None:
        """A residual path from reviewer a to the nearest reviewer b with room
        and a load at least two below a's, and b; None if there is none.

        Any such b will do: whichever moves even_out takes, it stops at loads
        equally even (the same loads in decreasing order), and the nearest b is
        the cheapest to find.
        """
        start = self._reviewer_node(a)
        parent_edge = {start: -1, self.source: -1, self.sink: -1}  # never entered
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for edge in self.heads[node]:
                nxt = self.to[edge]
                if self.cap[edge] <= 0 or nxt in parent_edge:
                    continue
                parent_edge[nxt] = edge
                b = nxt - self._reviewer_node(0)
                if b >= 0 and self._can_take_from(b, a, loads):
                    return self._path_back(start, nxt, parent_edge), b
                queue.append(nxt)
        return None

    def _can_take_from(self, b: int, a: int, loads: list[int]) -> bool:
        return loads[b] <= loads[a] - 2 and self.cap[self.sink_edges[b]] > 0

    def _path_back(
        self, start: int, end: int, parent_edge: dict[int, int]
    ) -> list[int]:
        steps: list[int] = []
        node = end
        while node != start:
            edge = parent_edge[node]
            steps.append(edge)
            node = self.to[edge ^ 1]
        return steps[::-1]
