"""Domain errors. The API turns each into its typed payload member."""

from models.followups import Status


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


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
