"""The generation tokens of the text-mining cache (:mod:`cxm.voc.selectors_text`) and of the
love-to-hate customer values (:func:`cxm.voc.selectors.customer_values`).

The cache key holds a data version of the rows in scope (count, highest id, summed case
versions), which misses a text edited in place: a survey comment or a case corrected on the
admin site, or a wave made anonymous (its comments must then lose their dates). Every such
save of an existing row renews this token, which is part of every key; a new row does not
(it changes the data version already). Bulk writes send no signal; the data version sees
those (they add or remove rows).

The customer values' key holds the highest transaction id (an import adds rows) and its own
token, which every transaction saved (edited) or deleted one by one renews.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

GENERATION_KEY = "voc-text:generation"
VALUES_GENERATION_KEY = "voc:love-to-hate:values-generation"


def generation(key: str = GENERATION_KEY) -> str:
    return cache.get(key) or ""


def renew_generation(sender=None, *, created: bool = False, **kwargs) -> None:
    """Renew ``sender``'s token after an edit (``post_save``) or a deletion (``post_delete``); a
    new row is left alone, as it already changes the data version and so the key."""
    if created:
        return
    key = VALUES_GENERATION_KEY if sender._meta.label == "customers.Transaction" else GENERATION_KEY
    cache.set(key, uuid.uuid4().hex, None)


def connect() -> None:
    """Connect the receivers (called from the app's ``ready``)."""
    from django.db.models.signals import post_delete, post_save

    from cxm.customers.models import Transaction
    from cxm.surveys.models import Response, Wave

    from .models import Case

    for model in (Case, Response, Wave, Transaction):
        post_save.connect(renew_generation, sender=model, dispatch_uid=f"voc_text_generation_{model.__name__}")
    # (Transaction is never fast-deleted anyway: its lines cascade)
    post_delete.connect(renew_generation, sender=Transaction, dispatch_uid="voc_values_generation_delete")
