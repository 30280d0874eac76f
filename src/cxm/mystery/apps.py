from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MysteryConfig(AppConfig):
    name = "cxm.mystery"
    label = "mystery"
    verbose_name = _("Mystery shopping")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Every change to a visit (answers included: they live in the visit's JSON) is audited,
        # and so are the checklists that score them.
        auditlog.register(models.Visit)
        auditlog.register(models.Checklist)
        auditlog.register(models.ChecklistSection)
        auditlog.register(models.ChecklistItem)
