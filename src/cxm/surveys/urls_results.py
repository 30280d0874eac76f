from django.urls import path

from . import views_results

app_name = "survey_results"
urlpatterns = [
    path("csi/", views_results.csi_results, name="csi"),
    path("csi/<str:wave_code>/comments/", views_results.csi_comments, name="comments"),
    path("csi/<str:wave_code>/<str:element_code>/", views_results.csi_element, name="element"),
]
