"""The JSON API (django-ninja): one NinjaAPI, a router from each app.

Authentication: the browser session (with CSRF on unsafe methods) or a bearer token
(``Authorization: Bearer cxm_...``, made with ``cxm token create USER``). Every endpoint
reads through ``cxm.org.access``; an object outside the caller's scope answers 404.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from cxm.core.audit import bind_actor
from cxm.core.exceptions import AccessDenied, ApplicationError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        from cxm.org.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            bind_actor(user)
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api = NinjaAPI(
    title="cxm API",
    version="1",
    description="Customer satisfaction and relationship management. Scoped by the caller's org units.",
    auth=[ActiveSessionAuth(), TokenAuth()],
    urls_namespace="api",
)


@api.exception_handler(AccessDenied)
def _access_denied(request, exc: AccessDenied):
    return api.create_response(request, {"message": str(exc.message)}, status=404)


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return api.create_response(request, {"message": str(exc.message), "extra": exc.extra}, status=400)


def _register() -> None:
    from cxm.crm.apis import router as crm_router
    from cxm.customers.apis import router as customers_router
    from cxm.mystery.apis import router as mystery_router
    from cxm.org.apis import router as org_router
    from cxm.pathmodels.apis import router as pathmodels_router
    from cxm.surveys.apis import router as surveys_router
    from cxm.voc.apis import router as voc_router

    api.add_router("/", org_router)
    api.add_router("/", customers_router)
    api.add_router("/", crm_router)
    api.add_router("/", surveys_router)
    api.add_router("/", voc_router)
    api.add_router("/", mystery_router)
    api.add_router("/", pathmodels_router)


_register()
