"""The closed error taxonomy every tool result carries (see DESIGN.md)."""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    OK = "ok"
    INVALID_ARGUMENTS = "InvalidArguments"  # the model's call is wrong
    UNEXPECTED_ENVIRONMENT = "UnexpectedEnvironment"  # the world contradicts the context
    PROVIDER_ERROR = "ProviderError"  # a service behind a tool failed
    TIMEOUT = "Timeout"  # a tool ran past its limit
    USER_ABORTED = "UserAborted"  # the person stopped it
    UNKNOWN = "Unknown"  # anything else: a bug in reins


class ToolError(Exception):
    """Raised by a tool to return a classified, actionable error to the model."""

    def __init__(self, kind: ErrorKind, message: str, hint: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint


def invalid(message: str, hint: str | None = None) -> ToolError:
    return ToolError(ErrorKind.INVALID_ARGUMENTS, message, hint)


def unexpected(message: str, hint: str | None = None) -> ToolError:
    return ToolError(ErrorKind.UNEXPECTED_ENVIRONMENT, message, hint)
