from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dashboards import services as dashboards
from regions.filters import RegionFilter
from regions.models import ProgramMembership, Region

PAGE_SIZE = 50


def region_list(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.with_province().prefetch_related(
        Prefetch("memberships", queryset=ProgramMembership.objects.order_by("year"))
    )
    region_filter = RegionFilter(request.GET, queryset=regions)
    page = Paginator(region_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "regions/region_list.html",
        {"filter": region_filter, "page": page, "query": query.urlencode()},
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region.objects.with_province(), code=code)
    memberships = region.memberships.select_related("program").order_by("year")
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "memberships": memberships,
            "assessed": dashboards.scorecard_release(region) is not None,
        },
    )
