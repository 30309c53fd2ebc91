# The reviewers' fixtures, for the role tests of reviews and answers.
from tests.reviews.conftest import panel, submitted  # noqa: F401
