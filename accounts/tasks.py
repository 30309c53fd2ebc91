from celery import shared_task
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.utils import timezone


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def clear_expired_sessions() -> int:
    """Delete expired sessions (daily, from beat); returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
