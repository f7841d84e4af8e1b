"""The public enums, backed by the model enums so there is one list of values."""

import strawberry

from models.followups import (
    CompletionOutcome as CompletionOutcomeModel,
)
from models.followups import (
    ContactOutcome as ContactOutcomeModel,
)
from models.followups import (
    Priority as PriorityModel,
)
from models.followups import (
    SatisfactionOutcome as SatisfactionOutcomeModel,
)
from models.followups import (
    Status,
)
from models.parties import LeadStage as LeadStageModel
from models.staff import Role as RoleModel
from services.followup_queries import SortField

FollowUpStatus = strawberry.enum(Status, name="FollowUpStatus")
Priority = strawberry.enum(PriorityModel, name="Priority")
ContactOutcome = strawberry.enum(ContactOutcomeModel, name="ContactOutcome")
SatisfactionOutcome = strawberry.enum(SatisfactionOutcomeModel, name="SatisfactionOutcome")
CompletionOutcome = strawberry.enum(CompletionOutcomeModel, name="CompletionOutcome")
LeadStage = strawberry.enum(LeadStageModel, name="LeadStage")
Role = strawberry.enum(RoleModel, name="Role")
FollowUpSortField = strawberry.enum(SortField, name="FollowUpSortField")
