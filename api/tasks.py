from celery import shared_task

from api import webhooks

MAX_RETRIES = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def deliver_webhook(self, delivery_id: int) -> str:
    """One attempt; on failure retry after 30 s, 1 min, 2 min ... then give up."""
    try:
        return webhooks.deliver(delivery_id).status
    except webhooks.DeliveryFailed as failure:
        if self.request.retries >= self.max_retries:
            webhooks.give_up(delivery_id)
            return "failed"
        raise self.retry(
            exc=failure, countdown=30 * 2**self.request.retries
        ) from failure
