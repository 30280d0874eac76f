"""A fixed-window counter for the public forms (survey answers, cases filed without an account)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(key: str, *, limit: int, window: int) -> bool:
    """Count one more event under ``key``; True once more than ``limit`` fell in the window."""
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit
