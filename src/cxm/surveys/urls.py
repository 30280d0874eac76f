from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("<str:token>/", views.survey_answer, name="answer"),
    path("<str:token>/thanks/", views.survey_thanks, name="thanks"),
]
