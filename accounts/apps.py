from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        # Like Django's own permissions, the role groups follow the migrations.
        # No sender filter: post_migrate runs per app, and the admin group needs
        # the permissions of apps migrated after this one.
        from accounts import services

        post_migrate.connect(
            services.sync_role_groups_after_migrate, dispatch_uid="sync_role_groups"
        )
