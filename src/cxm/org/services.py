"""Use cases of the org app."""

from __future__ import annotations

import secrets

from django.db import transaction

from .models import ApiToken, User


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with the plain key (never stored)."""
    key = "cxm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[4:12], key_hash=ApiToken.hash_key(key))
    return token, key


def api_token_authenticate(key: str) -> User | None:
    """The active user behind a bearer ``key``, or None."""
    from django.utils import timezone

    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
