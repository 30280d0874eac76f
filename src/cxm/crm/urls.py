from django.urls import path

from . import views

app_name = "crm"
urlpatterns = [
    path("", views.rfm, name="rfm"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("clv/", views.clv, name="clv"),
    path("profitability/", views.profitability, name="profitability"),
    path("churn/", views.churn, name="churn"),
    path("cross-sell/", views.crosssell, name="crosssell"),
    path("compute/", views.compute, name="compute"),
]
