# The reviewers' fixtures, for the API's reviewer endpoints.
from tests.reviews.conftest import panel, submitted  # noqa: F401
