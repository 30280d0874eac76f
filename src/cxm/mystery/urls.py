from django.urls import path

from . import views

app_name = "mystery"
urlpatterns = [
    path("", views.results, name="results"),
    path("branches/<str:code>/", views.branch_page, name="branch"),
    path("visits/new/", views.visit_create, name="create"),
    path("visits/<int:pk>/", views.visit_page, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="edit"),
]
