"""Rotting clients: the list, and the per-segment thresholds."""

from typing import Annotated

import strawberry

from gql.connections import rotting_connection
from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.rotting import (
    RottingClientConnection,
    RottingRule,
    RottingSettings,
    RottingSettingsPayload,
)
from models.organizations import RottingRule as RottingRuleModel
from services import organizations, rotting
from services.visibility import Caller


async def _settings(caller: Caller, rules: list[RottingRuleModel]) -> RottingSettings:
    org = await organizations.get_organization(caller)
    return RottingSettings(
        rotting_days=org.rotting_days,
        rules=[RottingRule(segment=rule.segment, days=rule.days) for rule in rules],
    )


@strawberry.type
class RottingQuery:
    @strawberry.field(
        description="Clients and leads with no contact for their rotting days and no open "
        "follow-up, most neglected first. Managers and admins see all; staff, those they own."
    )
    async def rotting_clients(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> RottingClientConnection:
        return await rotting_connection(info.context.require_caller(), first, after)

    @strawberry.field(description="The organization's rotting threshold and per-segment rules.")
    async def rotting_settings(self, info: Info) -> RottingSettings:
        caller = info.context.require_caller()
        return await _settings(caller, await rotting.rules(caller))


@strawberry.type
class RottingMutation:
    @strawberry.mutation(
        description="Sets the rotting days of a client segment; days null removes the rule. "
        "Admins only."
    )
    async def set_rotting_rule(
        self,
        info: Info,
        segment: str,
        days: Annotated[int | None, strawberry.argument(description="1 to 3650; null removes.")],
    ) -> RottingSettingsPayload:
        caller = info.context.require_caller()

        async def work() -> RottingSettings:
            return await _settings(caller, await rotting.set_rule(caller, segment, days))

        return await payload(work, lambda settings: settings)
