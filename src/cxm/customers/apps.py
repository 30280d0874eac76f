from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "cxm.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Customer)
        auditlog.register(models.Product)
