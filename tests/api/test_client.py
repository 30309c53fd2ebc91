"""A client as outside systems write one: plain `requests` over HTTP against
the running app, following the links the API gives (no test client)."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from api import tokens
from scoring import services
from tests.scoring.conftest import codes, scored_cycle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(live_server, committed_data):
    from django.core.cache import cache

    cache.clear()
    return live_server.url + "/api/v1/"


def test_a_researcher_pulls_every_page_then_revalidates_and_takes_csv(api):
    release = services.publish(cycle=scored_cycle(codes(30)), final=False)
    session = requests.Session()

    rows, url = [], api + "scores/?cycle=2017&page_size=7"
    while url:
        page = session.get(url, timeout=10)
        assert page.status_code == 200
        body = page.json()
        rows += body["results"]
        url = body["next"]  # absolute links, as clients follow them
    assert len(rows) == 30
    assert len({r["region"] for r in rows}) == 30  # no row twice across pages
    ranks = [r["rank_national"] for r in rows if r["rank_national"] is not None]
    assert ranks == sorted(ranks)

    first = session.get(api + f"releases/{release.pk}/scores/", timeout=10)
    tag = first.headers["ETag"]
    again = session.get(
        api + f"releases/{release.pk}/scores/",
        headers={"If-None-Match": tag},
        timeout=10,
    )
    assert again.status_code == 304
    assert again.content == b""

    table = session.get(
        api + f"releases/{release.pk}/scores/?format=csv&page_size=100", timeout=10
    )
    assert table.headers["Content-Type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(table.text)))
    assert {r["region"] for r in parsed} == {
        r["region"] for r in release.content["regions"]
    }


def test_an_officials_system_uploads_a_masterplan_with_its_token(
    api, official, submission, masterplan_pdf
):
    _token, raw = tokens.issue(user=official, name="SIMDA", scope="write")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {raw}"
    mine = session.get(api + "submissions/", timeout=10).json()["results"]
    assert [s["region"] for s in mine] == ["36.74"]
    with masterplan_pdf.open("rb") as handle:
        created = session.post(
            api + f"submissions/{mine[0]['id']}/documents/",
            files={"file": ("masterplan.pdf", handle, "application/pdf")},
            data={"kind": "masterplan"},
            timeout=30,
        )
    assert created.status_code == 201, created.text
    download = session.get(created.json()["versions"][0]["download_url"], timeout=10)
    assert download.content == masterplan_pdf.read_bytes()
    assert (
        session.get(
            api + "submissions/",
            timeout=10,
            headers={"Authorization": "Bearer made-up"},
        ).status_code
        == 401
    )
