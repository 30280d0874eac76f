from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "cxm.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.OrgUnit)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
