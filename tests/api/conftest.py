import pytest
from django.core.cache import cache

from dashboards.services import published

# The reviewers' fixtures, for the API's reviewer endpoints.
from tests.reviews.conftest import panel, submitted  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Throttle counts and rendered releases start empty: a rolled-back test's
    release id can come back in the next test (SQLite)."""
    cache.clear()
    published.NEAR.clear()
