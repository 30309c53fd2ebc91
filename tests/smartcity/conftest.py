from tests.reviews.conftest import panel, submitted  # noqa: F401
