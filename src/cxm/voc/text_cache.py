"""The generation token of the text-mining cache (:mod:`cxm.voc.selectors_text`).

The cache key holds a data version of the rows in scope (count, highest id, summed case
versions), which misses a text edited in place: a survey comment or a case corrected on the
admin site, or a wave made anonymous (its comments must then lose their dates). Every such
save renews this token, which is part of every key. Bulk writes send no signal; the data
version sees those (they add or remove rows).
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

GENERATION_KEY = "voc-text:generation"


def generation() -> str:
    return cache.get(GENERATION_KEY) or ""


def renew_generation(sender=None, **kwargs) -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def connect() -> None:
    """Connect the receivers (called from the app's ``ready``)."""
    from django.db.models.signals import post_save

    from cxm.surveys.models import Response, Wave

    from .models import Case

    for model in (Case, Response, Wave):
        post_save.connect(renew_generation, sender=model, dispatch_uid=f"voc_text_generation_{model.__name__}")
