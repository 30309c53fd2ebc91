"""Reads of the program's membership, with how certain each one is.

The rules (docs/scoring.md, "Kohort / Cohorts"):

- A membership counts toward the program unless it was cancelled.
- A region's cohort is the year of its earliest membership that counts. The
  cohort is *certain* only when every membership of the region that counts is
  confirmed; a region with an unconfirmed membership keeps its cohort for
  display but gets no cohort rank and is left out of cohort medians.
- Cohort counts show both: confirmed regions and regions whose membership of
  that year is unconfirmed ("25 + 1 belum terkonfirmasi").
- The program's membership is complete only when the registry holds as many
  distinct members as the program's target; otherwise the headline says how
  many are known and how many are not.
"""

from __future__ import annotations

from dataclasses import dataclass

from regions.models import Program, ProgramMembership


@dataclass(frozen=True)
class RegionCohort:
    year: int
    confirmed: bool
    years: tuple[int, ...] = ()  # every year whose membership counts


@dataclass(frozen=True)
class CohortCount:
    year: int
    confirmed: int
    unconfirmed: int

    @property
    def total(self) -> int:
        return self.confirmed + self.unconfirmed


@dataclass(frozen=True)
class Membership:
    """How much of the program's membership the registry holds."""

    target: int
    known: int
    unconfirmed: int

    @property
    def unknown(self) -> int:
        """Members the program counted that the registry does not hold."""
        return max(0, self.target - self.known)

    @property
    def complete(self) -> bool:
        return self.known >= self.target


def _memberships(program: Program | None):
    rows = ProgramMembership.objects.active()
    if program is not None:
        rows = rows.filter(program=program)
    return rows


def region_cohorts(program: Program | None = None) -> dict[str, RegionCohort]:
    """Each member region's cohort year (its earliest membership that counts),
    whether that cohort is certain (all its memberships that count are
    confirmed) and every year whose membership counts. Regions outside the
    program are absent. One query."""
    found: dict[str, RegionCohort] = {}
    for code, year, confirmed in (
        _memberships(program)
        .order_by("year")
        .values_list("region_id", "year", "confirmed")
    ):
        seen = found.get(code)
        if seen is None:
            found[code] = RegionCohort(year=year, confirmed=confirmed, years=(year,))
        else:
            found[code] = RegionCohort(
                year=seen.year,
                confirmed=seen.confirmed and confirmed,
                years=(*seen.years, year),
            )
    return found


def cohort_counts(program: Program | None = None) -> list[CohortCount]:
    """Regions per cohort year, confirmed and unconfirmed apart, by year.
    A region listed in two years counts in each (Kabupaten Banyumas: 2018
    unconfirmed, 2019 confirmed). One query."""
    counts: dict[int, list[set[str]]] = {}
    for code, year, confirmed in _memberships(program).values_list(
        "region_id", "year", "confirmed"
    ):
        confirmed_set, unconfirmed_set = counts.setdefault(year, [set(), set()])
        (confirmed_set if confirmed else unconfirmed_set).add(code)
    return [
        CohortCount(
            year=year,
            confirmed=len(confirmed_set),
            unconfirmed=len(unconfirmed_set - confirmed_set),
        )
        for year, (confirmed_set, unconfirmed_set) in sorted(counts.items())
    ]


def membership(program: Program) -> Membership:
    """The program's target against the distinct regions the registry holds
    as members (and how many of those have an unconfirmed membership)."""
    cohorts = region_cohorts(program)
    return Membership(
        target=program.target_regions,
        known=len(cohorts),
        unconfirmed=sum(not cohort.confirmed for cohort in cohorts.values()),
    )
