"""Domain errors. The API turns each into its typed payload member."""

from enum import StrEnum

from models.followups import Status


class ValidationCode(StrEnum):
    """Why input was refused, for clients to branch on (the message is for people).

    The API documents each value (gql/schema/enums.py); a new code needs its description there.
    """

    INVALID = "invalid"
    REQUIRED = "required"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    TOO_MANY = "too_many"
    OUT_OF_RANGE = "out_of_range"
    ENDS_BEFORE_START = "ends_before_start"
    INVALID_FORMAT = "invalid_format"
    INVALID_ID = "invalid_id"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_COMBINATION = "invalid_combination"
    UNKNOWN_VALUE = "unknown_value"
    NOT_AWARE = "not_aware"
    NOT_FOUND_IN_ORGANIZATION = "not_found_in_organization"
    INACTIVE = "inactive"
    ARCHIVED = "archived"
    DUPLICATE = "duplicate"
    LINK_MISMATCH = "link_mismatch"
    LEAD_NOT_DELIVERED = "lead_not_delivered"
    PRIMARY_EXISTS = "primary_exists"
    PRIMARY_NEEDS_LEAD = "primary_needs_lead"
    CONTACT_ATTEMPT_REQUIRED = "contact_attempt_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    SELF_LOCKOUT = "self_lockout"
    BUILT_IN = "built_in"
    UNSAFE_URL = "unsafe_url"
    WEAK_PASSWORD = "weak_password"
    WRONG_PASSWORD = "wrong_password"


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    def __init__(
        self,
        field: str | None,
        message: str,
        *,
        code: ValidationCode = ValidationCode.INVALID,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class TransitionRefused(DomainError):
    def __init__(self, message: str, current_status: Status) -> None:
        super().__init__(message)
        self.current_status = current_status


class VersionConflict(DomainError):
    def __init__(self, current_version: int) -> None:
        super().__init__(f"The follow-up was changed meanwhile; its version is {current_version}.")
        self.current_version = current_version


class AuthenticationFailed(DomainError):
    pass


class RateLimited(DomainError):
    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
