from django.contrib import admin
from django.urls import include, path

from cxm.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("s/", include("cxm.surveys.urls")),  # public survey links: no account
    path("surveys/", include("cxm.surveys.urls_results")),
    path("cases/", include("cxm.voc.urls")),
    path("voc/", include("cxm.voc.urls_public")),  # public case form: no account
    path("", include("cxm.web.urls")),
]
