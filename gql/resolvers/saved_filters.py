"""Saved filter queries and mutations: decode ids, parse the filter, call services, shape."""

from typing import Any

import strawberry

from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.common import decode_id
from gql.schema.saved_filters import (
    TYPE_NAME,
    DeletedFollowUpFilter,
    DeleteFollowUpFilterPayload,
    SavedFollowUpFilter,
    SavedFollowUpFilterPayload,
    SaveFollowUpFilterInput,
    UpdateFollowUpFilterInput,
    parsed_filter,
    saved_filter_from,
)
from services import saved_filters
from services.saved_filters import FilterChange
from services.unset import UNSET
from services.visibility import Caller


def _id(value: strawberry.ID) -> int:
    return decode_id(value, TYPE_NAME, "id")


def _shaper(caller: Caller) -> Any:
    return lambda row: saved_filter_from(row, caller)


@strawberry.type
class SavedFiltersQuery:
    @strawberry.field(
        description="Your saved follow-up filters and those shared with you, by name."
    )
    async def saved_follow_up_filters(self, info: Info) -> list[SavedFollowUpFilter]:
        caller = info.context.require_caller()
        shape = _shaper(caller)
        return [shape(row) for row in await saved_filters.list_visible(caller)]


@strawberry.type
class SavedFiltersMutation:
    @strawberry.mutation(description="Saves a follow-up filter under a name, private by default.")
    async def save_follow_up_filter(
        self, info: Info, input: SaveFollowUpFilterInput
    ) -> SavedFollowUpFilterPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: saved_filters.save(
                caller, input.name, parsed_filter(input.filter), input.shared
            ),
            _shaper(caller),
        )

    @strawberry.mutation(description="Owner or admin: change the name, the filter or sharing.")
    async def update_follow_up_filter(
        self, info: Info, id: strawberry.ID, input: UpdateFollowUpFilterInput
    ) -> SavedFollowUpFilterPayload:
        caller = info.context.require_caller()

        def change() -> FilterChange:
            given = input.filter
            return FilterChange(
                name=UNSET if input.name is strawberry.UNSET else input.name,
                filter=UNSET if given is strawberry.UNSET else parsed_filter(given),
                shared=UNSET if input.shared is strawberry.UNSET else input.shared,
            )

        return await payload(
            lambda: saved_filters.update(caller, _id(id), change()), _shaper(caller)
        )

    @strawberry.mutation(description="Owner or admin: rename a saved filter.")
    async def rename_follow_up_filter(
        self, info: Info, id: strawberry.ID, name: str
    ) -> SavedFollowUpFilterPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: saved_filters.update(caller, _id(id), FilterChange(name=name)),
            _shaper(caller),
        )

    @strawberry.mutation(description="Owner or admin: delete a saved filter.")
    async def delete_follow_up_filter(
        self, info: Info, id: strawberry.ID
    ) -> DeleteFollowUpFilterPayload:
        caller = info.context.require_caller()
        return await payload(
            lambda: saved_filters.delete(caller, _id(id)),
            lambda _: DeletedFollowUpFilter(id=id),
        )
