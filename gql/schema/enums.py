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

# strawberry.enum registers the model enum itself under its public name; a plain alias
# (not the call's result) is what type checkers accept as a type.
FollowUpStatus = Status
strawberry.enum(FollowUpStatus, name="FollowUpStatus")
Priority = PriorityModel
strawberry.enum(Priority, name="Priority")
ContactOutcome = ContactOutcomeModel
strawberry.enum(ContactOutcome, name="ContactOutcome")
SatisfactionOutcome = SatisfactionOutcomeModel
strawberry.enum(SatisfactionOutcome, name="SatisfactionOutcome")
CompletionOutcome = CompletionOutcomeModel
strawberry.enum(CompletionOutcome, name="CompletionOutcome")
LeadStage = LeadStageModel
strawberry.enum(LeadStage, name="LeadStage")
Role = RoleModel
strawberry.enum(Role, name="Role")
FollowUpSortField = SortField
strawberry.enum(FollowUpSortField, name="FollowUpSortField")
