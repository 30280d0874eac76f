from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView is POST only, so a link or an image cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("scope/", views.set_scope, name="set_scope"),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/<str:customer_no>/", views.customer_detail, name="customer_detail"),
    path("transactions/", views.transaction_list, name="transaction_list"),
    path("import/", views.import_file, name="import_file"),
]
