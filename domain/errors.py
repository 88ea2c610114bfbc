"""The app's own error types, raised by the data layer and the services; the doors in appctx show them in German."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix, in German.

    The message is written by the code and shown as Markdown: it quotes no text that a user or an
    admin typed (a name, an e-mail address, a file name), because Streamlit turns www.… into a link.
    Such a value goes in detail, which pages show as plain text below the message. str() gives both
    (for logs, the command line and tests).
    """

    def __init__(self, message: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message}\n{self.detail}" if self.detail else self.message


class ValidationError(UserError):
    """Bad input (wrong PLZ, malformed CSV, ...); nothing was changed."""


class NotFoundError(UserError):
    """The record does not exist or is outside the user's scope."""


class PermissionDenied(UserError):
    """The user's role or scope does not allow this."""


class ConflictError(UserError):
    """The action collides with the current state (duplicate, over stock, submitted twice)."""
