"""The app's own error types, raised by the data layer and the services; the doors in appctx show them in German."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; its message is German and shown as is."""


class ValidationError(UserError):
    """Bad input (wrong PLZ, malformed CSV, ...); nothing was changed."""


class NotFoundError(UserError):
    """The record does not exist or is outside the user's scope."""


class PermissionDenied(UserError):
    """The user's role or scope does not allow this."""


class ConflictError(UserError):
    """The action collides with the current state (duplicate, over stock, submitted twice)."""
