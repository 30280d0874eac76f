"""The public case form: no account (mounted at /voc/)."""

from django.urls import path

from . import views

app_name = "voc_public"
urlpatterns = [
    path("new/", views.case_public, name="new"),
    path("thanks/", views.case_public_thanks, name="thanks"),
]
