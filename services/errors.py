"""The error types services raise and pages catch; they live in db/ because the data layer raises them too."""
from __future__ import annotations

from db.errors import ConflictError, NotFoundError, PermissionDenied, UserError, ValidationError

__all__ = ["ConflictError", "NotFoundError", "PermissionDenied", "UserError", "ValidationError"]
