"""Survey management pages, mounted at ``surveys/manage/``: questionnaires and response imports."""

from django.urls import path

from .importing import views

app_name = "survey_manage"
urlpatterns = [
    path("", views.questionnaires, name="questionnaires"),
    path("questionnaires/<slug:code>/v<int:version>.yaml", views.questionnaire_download,
         name="questionnaire_download"),
    path("responses/import/", views.response_import, name="response_import"),
]
