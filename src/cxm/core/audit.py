"""Who did it: binding the acting user to audit entries outside the session middleware."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from auditlog.context import auditlog_value, set_actor


def bind_actor(user) -> None:
    """Make ``user`` the actor of the audit entries of the current request.

    ``AuditlogMiddleware`` opens the audit context before authentication of API tokens has
    run (it only knows the session user), so token authentication fills it in here.
    """
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Audit context for code that runs outside a request (CLI commands, jobs)."""
    with set_actor(user):
        yield
