from django.urls import path

from . import views

app_name = "voc"
urlpatterns = [
    path("", views.case_inbox, name="inbox"),
    path("new/", views.case_create, name="create"),
    path("<str:number>/", views.case_detail, name="detail"),
]
