"""Per-request context: who is calling, and DataLoaders scoped to them."""

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from gql.errors import UNAUTHENTICATED, ApiError
from gql.loaders import Loaders
from services import auth
from services.errors import AuthenticationFailed
from services.visibility import Caller

BEARER = "bearer "


@dataclass
class Context:
    request: Any
    response: Any
    caller: Caller | None = None
    auth_failure: str | None = None
    connection_params: dict[str, Any] | None = None

    @cached_property
    def loaders(self) -> Loaders:
        """Built on first use: a websocket's subscriptions build their own per event."""
        return Loaders(self.caller)

    def for_event(self) -> "Context":
        """The same caller with loaders of its own: each subscription event reads linked
        records as they are now, not as the connection first saw them."""
        return replace(self)

    def become(self, caller: Caller) -> None:
        """A websocket authenticated in connection_init."""
        self.caller = caller
        self.auth_failure = None
        self.__dict__.pop("loaders", None)  # built again, for this caller, if ever used

    def require_caller(self) -> Caller:
        if self.caller is None:
            raise ApiError(self.auth_failure or "Log in first.", UNAUTHENTICATED)
        return self.caller


async def caller_from_authorization(header: str | None) -> tuple[Caller | None, str | None]:
    """The caller for an Authorization header value, or the reason there is none."""
    if not header:
        return None, None
    if not header.lower().startswith(BEARER):
        return None, "Send the access token as 'Authorization: Bearer <token>'."
    try:
        return await auth.authenticate(header[len(BEARER) :].strip()), None
    except AuthenticationFailed as error:
        return None, error.message


async def build_context(request: Any, response: Any) -> Context:
    caller, failure = await caller_from_authorization(request.headers.get("authorization"))
    return Context(request=request, response=response, caller=caller, auth_failure=failure)
