"""Webhook and WebhookDelivery now belong to notifications (its migration 0002
takes over the same tables). Here they leave the api app's state; the tables
and rows stay. Their content types follow them, so permissions granted on
webhooks and admin log entries keep pointing at the same models."""

from django.db import migrations

MODELS = ["webhook", "webhookdelivery"]


def relabel(source: str, target: str):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            if ContentType.objects.filter(app_label=target, model=model).exists():
                continue
            ContentType.objects.filter(app_label=source, model=model).update(
                app_label=target
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_webhook_webhookdelivery"),
        ("notifications", "0002_webhook_webhookdelivery"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="Webhook"),
            ],
        ),
        migrations.RunPython(
            relabel("api", "notifications"), relabel("notifications", "api")
        ),
    ]
