"""The schema: the resolvers' root types merged, with the safety limits and error handling."""

from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from gql.errors import classify
from gql.extensions import AnonymousGate
from gql.resolvers.analytics import AnalyticsQuery
from gql.resolvers.bulk import BulkMutation
from gql.resolvers.exports import ExportsMutation
from gql.resolvers.followups import FollowUpsMutation, FollowUpsQuery
from gql.resolvers.notifications import (
    NotificationsMutation,
    NotificationsQuery,
    NotificationsSubscription,
)
from gql.resolvers.parties import PartiesMutation, PartiesQuery
from gql.resolvers.rotting import RottingMutation, RottingQuery
from gql.resolvers.saved_filters import SavedFiltersMutation, SavedFiltersQuery
from gql.resolvers.staff import StaffMutation, StaffQuery
from gql.resolvers.workspace import WorkspaceQuery
from gql.schema.common import DATETIME_SCALAR
from runtime.settings import get_settings


class FollowupsSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        classify(errors)


def build_schema() -> strawberry.Schema:
    settings = get_settings()
    query = merge_types(
        "Query",
        (
            StaffQuery,
            FollowUpsQuery,
            PartiesQuery,
            NotificationsQuery,
            WorkspaceQuery,
            SavedFiltersQuery,
            RottingQuery,
            AnalyticsQuery,
        ),
    )
    mutation = merge_types(
        "Mutation",
        (
            StaffMutation,
            FollowUpsMutation,
            PartiesMutation,
            NotificationsMutation,
            SavedFiltersMutation,
            BulkMutation,
            ExportsMutation,
            RottingMutation,
        ),
    )
    return FollowupsSchema(
        query=query,
        mutation=mutation,
        subscription=NotificationsSubscription,
        config=StrawberryConfig(scalar_map={datetime: DATETIME_SCALAR}),
        extensions=[
            AnonymousGate,
            partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
            partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        ],
    )


schema = build_schema()
