from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "cxm.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Questionnaire

        # who added a questionnaire version (upload page, admin); the definition itself is
        # kept versioned in the table, not copied into the log
        auditlog.register(Questionnaire, exclude_fields=["definition"])
