from django.contrib import admin
from django.urls import include, path

from cxm.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("s/", include("cxm.surveys.urls")),  # public survey links: no account
    path("surveys/", include("cxm.surveys.urls_results")),
    path("", include("cxm.web.urls")),
]
