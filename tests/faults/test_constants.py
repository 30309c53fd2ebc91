"""faults/ copies a few of the app's constants (it drives a running app from
outside and must not set Django up in its own process): they must agree."""

from faults import context
from scoring import services, tasks


def test_the_sweep_age_is_the_apps():
    assert context.QUEUED_FOR == tasks.QUEUED_FOR


def test_the_cycle_lock_key_is_the_apps():
    assert context.LOCK_KEY == services.LOCK_KEY
