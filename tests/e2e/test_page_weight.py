"""The dashboard's page weight: it loads the partial plotly.js bundle (core,
bar, heatmap, scatterpolar), not the full 4.7 MB one. Prints the bytes
transferred and the time to the first chart (figures only: the server here is
the test server, uncompressed; `make bench` measures behind WhiteNoise)."""

import pytest

from regions.models import Region
from scoring import services as scoring_services
from tests.e2e.page_weight import measure
from tests.scoring.conftest import scored_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_loads_the_partial_plotly_bundle(page, live_server):
    pilots = list(
        Region.objects.in_cohort(2017).order_by("code").values_list("code", flat=True)
    )
    scoring_services.publish(cycle=scored_cycle(pilots), final=False)

    weight = measure(page.context, live_server.url + "/dashboard/", charts=5)
    print("\n" + "\n".join(weight.lines()))  # noqa: T201 (the figures asked for)

    scripts = [path for path in weight.files if "/vendor/plotly/" in path]
    assert scripts == [next(path for path in scripts if "plotly-smartcity" in path)], (
        scripts
    )
    assert weight.of("/vendor/plotly/") < 1_500_000  # the full bundle is 4.8 MB
    assert weight.first_chart_ms is not None
