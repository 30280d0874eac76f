"""The JSON API (django-ninja): one NinjaAPI, a router from each app."""

from ninja import NinjaAPI

api = NinjaAPI(title="cxm API", version="1", urls_namespace="api")
