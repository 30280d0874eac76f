"""One error vocabulary for services, pages, the API and the CLI."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request; ``message`` is safe to show to the user."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class AccessDenied(ApplicationError):
    """The user may not see or change the object (pages and API answer 404, not 403)."""
