"""Turning a service call into a payload union: the result, or the typed error it raised."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from gql.schema.common import error_member
from services.errors import DomainError

T = TypeVar("T")


async def payload(work: Callable[[], Awaitable[T]], shape: Callable[[T], Any]) -> Any:
    try:
        return shape(await work())
    except DomainError as error:
        return error_member(error)
