from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.models import Cycle
from regions import selectors
from regions.models import Program, ProgramMembership


def home(request: HttpRequest) -> HttpResponse:
    """The program's progress toward its target, and the current cycle."""
    program = Program.objects.first()
    progress = None
    if program is not None:
        memberships = ProgramMembership.objects.filter(program=program)
        joined = memberships.active().values("region").distinct().count()
        progress = {
            "program": program,
            "joined": joined,
            "percent": min(100, round(100 * joined / program.target_regions)),
            "by_year": memberships.cohort_sizes(),
            "uncertain": memberships.filter(confirmed=False).count(),
            "membership": selectors.membership(program),
            "cohorts": selectors.cohort_counts(program),
        }
    cycle = Cycle.objects.select_related("framework").current()
    return render(
        request,
        "home.html",
        {
            "progress": progress,
            "cycle": cycle,
            "cycle_regions": cycle.regions.count() if cycle else 0,
        },
    )
