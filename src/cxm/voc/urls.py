from django.urls import path

from . import views

app_name = "voc"
urlpatterns = [
    path("", views.case_inbox, name="inbox"),
    path("new/", views.case_create, name="create"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/files/<int:attachment_id>/", views.case_attachment_download, name="attachment"),
]
