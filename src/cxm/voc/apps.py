from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VocConfig(AppConfig):
    name = "cxm.voc"
    label = "voc"
    verbose_name = _("Voice of the customer")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Case, exclude_fields=["version"])
        auditlog.register(models.CaseCategory)
        auditlog.register(models.SlaPolicy)
        auditlog.register(models.AssignmentRule)
        auditlog.register(models.CaseAttachment)
        auditlog.register(models.CaseFollowUp)

        from .text_cache import connect

        connect()  # texts edited in place renew the text-mining cache
