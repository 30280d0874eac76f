from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathModelsConfig(AppConfig):
    name = "cxm.pathmodels"
    label = "pathmodels"
    verbose_name = _("Index models")
