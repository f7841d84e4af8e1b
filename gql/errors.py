"""GraphQL errors with `extensions.code`, and the masking of everything unexpected.

Codes a client can branch on: BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND,
RATE_LIMITED, QUERY_TOO_COMPLEX and INTERNAL_SERVER_ERROR (with an errorId that the log
line carries). Errors a client should handle in place are payload union members instead.
"""

import logging
import re
import uuid
from typing import Any

from graphql import GraphQLError, GraphQLFormattedError

from services.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)

log = logging.getLogger("followups.api")

BAD_USER_INPUT = "BAD_USER_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
RATE_LIMITED = "RATE_LIMITED"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

_LIMIT_MESSAGES = (
    "exceeds maximum operation depth",
    "aliases found. Allowed",
    "tokens.",
    "code points.",
)


_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


class ApiError(GraphQLError):
    def __init__(self, message: str, code: str, **extra: Any) -> None:
        super().__init__(message, extensions={"code": code, **extra})


def _code_for(error: GraphQLError) -> tuple[str, dict[str, Any]]:
    original = error.original_error
    if isinstance(original, ValidationFailed):
        return BAD_USER_INPUT, {"field": original.field}
    if isinstance(original, AuthenticationFailed):
        return UNAUTHENTICATED, {}
    if isinstance(original, PermissionDenied):
        return FORBIDDEN, {}
    if isinstance(original, NotFound):
        return NOT_FOUND, {}
    if isinstance(original, RateLimited):
        return RATE_LIMITED, {"retryAfterSeconds": original.retry_after_seconds}
    if original is None or isinstance(original, GraphQLError):
        # graphql-core 3.3 wraps a variable's coercion error ("Int cannot represent ...").
        if any(text in error.message for text in _LIMIT_MESSAGES):
            return QUERY_TOO_COMPLEX, {}
        return BAD_USER_INPUT, {}
    return INTERNAL_SERVER_ERROR, {}


def classify(errors: list[GraphQLError]) -> None:
    """Gives every error its code once, logging the unexpected ones under a fresh error id."""
    for error in errors:
        extensions = dict(error.extensions or {})
        if "code" in extensions:
            continue
        code, extra = _code_for(error)
        if code == INTERNAL_SERVER_ERROR:
            error_id = uuid.uuid4().hex[:16]
            extra["errorId"] = error_id
            log.error(
                "unexpected error errorId=%s path=%s",
                error_id,
                error.path,
                exc_info=error.original_error,
            )
        else:
            log.info("client error code=%s message=%s", code, error.message)
        error.extensions = {**extensions, "code": code, **extra}


def hide_suggestions(errors: list[GraphQLError]) -> None:
    """Drops graphql-core's "Did you mean 'followUps'?": it names schema fields to callers
    who may not see the schema (anonymous ones, and everyone in production)."""
    for error in errors:
        error.message = _SUGGESTION.sub("", error.message)


def formatted(error: GraphQLError) -> GraphQLFormattedError:
    """The error as a client sees it: masked message for anything unexpected, never a trace."""
    extensions = dict(error.extensions or {})
    if "code" not in extensions:
        classify([error])
        extensions = dict(error.extensions or {})
    body = error.formatted
    if extensions.get("code") == INTERNAL_SERVER_ERROR:
        body["message"] = f"Internal server error (errorId {extensions.get('errorId')})."
    body["extensions"] = {k: v for k, v in extensions.items() if v is not None}
    return body
