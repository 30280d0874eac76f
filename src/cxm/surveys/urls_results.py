from django.urls import path

from . import views_results

app_name = "survey_results"
urlpatterns = [
    path("csi/", views_results.csi_results, name="csi"),
]
