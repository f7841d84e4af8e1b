"""The schema: the resolvers' root types merged, with the safety limits and error handling."""

from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from gql.errors import classify, hide_suggestions
from gql.execution import ExecutionContext
from gql.extensions import AnonymousGate, OneLoginPerOperation
from gql.limits import DocumentLimits
from gql.resolvers.analytics import AnalyticsQuery
from gql.resolvers.bulk import BulkMutation
from gql.resolvers.crm_events import CrmEventsMutation, CrmEventsQuery
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
from runtime.settings import Settings, get_settings


class FollowupsSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        context = getattr(execution_context, "context", None)
        if getattr(context, "caller", None) is None or get_settings().production:
            hide_suggestions(errors)
        classify(errors)


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The depth, alias and one-login rules, made once: ValidationCache recognises a document it has
    checked only if the rules are the same classes on every request."""
    depth = QueryDepthLimiter(max_depth=settings.max_query_depth)
    aliases = MaxAliasesLimiter(max_alias_count=settings.max_aliases)
    return [*depth.validation_rules, *aliases.validation_rules, OneLoginPerOperation]


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
            CrmEventsQuery,
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
            CrmEventsMutation,
        ),
    )
    return FollowupsSchema(
        query=query,
        mutation=mutation,
        subscription=merge_types("Subscription", (NotificationsSubscription,)),
        execution_context_class=ExecutionContext,
        config=StrawberryConfig(scalar_map={datetime: DATETIME_SCALAR}),
        extensions=[
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
            partial(AddValidationRules, limit_rules(settings)),
            DocumentLimits,  # before AnonymousGate, which adds its rule to those left
            AnonymousGate,  # before ValidationCache: an anonymous caller validates with its own rule
            ParserCache,
            ValidationCache,
        ],
    )


schema = build_schema()
