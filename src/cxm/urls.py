from django.contrib import admin
from django.urls import include, path

from cxm.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("s/", include("cxm.surveys.urls")),  # public survey links: no account
    path("surveys/manage/", include("cxm.surveys.urls_manage")),  # questionnaires, response imports
    path("surveys/", include("cxm.surveys.urls_results")),
    path("cases/insights/", include("cxm.voc.urls_insights")),  # before cases/<number>/
    path("cases/", include("cxm.voc.urls")),
    path("mystery/", include("cxm.mystery.urls")),
    path("models/", include("cxm.pathmodels.urls")),
    path("voc/", include("cxm.voc.urls_public")),  # public case form: no account
    path("crm/", include("cxm.crm.urls")),
    path("", include("cxm.web.urls")),
]
