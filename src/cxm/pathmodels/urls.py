from django.urls import path

from . import views

app_name = "pathmodels"
urlpatterns = [
    path("", views.model_fit_page, name="fit"),
    path("compare/", views.model_compare_page, name="compare"),
]
