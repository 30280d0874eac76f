from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyImportsConfig(AppConfig):
    """Imports of survey response files and the questionnaire upload page."""

    name = "cxm.surveys.importing"
    label = "survey_imports"
    verbose_name = _("Survey imports")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # One audit entry per import (who, when, which file, how many rows); the responses
        # themselves are bulk-created without per-row entries, like the public form's.
        auditlog.register(models.ResponseImport, exclude_fields=["value_labels", "column_labels"])

