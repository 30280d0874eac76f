from django.urls import path

from . import views_metrics, views_text

app_name = "voc_insights"
urlpatterns = [
    path("", views_metrics.case_metrics_page, name="metrics"),
    path("text/", views_text.text_mining_page, name="text"),
]
