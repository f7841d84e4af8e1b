"""The public enums, backed by the model enums so there is one list of values."""

from typing import Any

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
from services.errors import ValidationCode as ValidationCodeModel
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

# What each code means to a client; README.md's "Errors" table says the same in a sentence.
VALIDATION_CODE_DESCRIPTIONS: dict[ValidationCodeModel, str] = {
    ValidationCodeModel.INVALID: "The input breaks a rule that has no more precise code.",
    ValidationCodeModel.REQUIRED: (
        "A value is missing or blank, or null where the field cannot be cleared."
    ),
    ValidationCodeModel.TOO_LONG: "A text (or a saved filter) is longer than allowed.",
    ValidationCodeModel.TOO_SHORT: "A text is shorter than allowed (a password).",
    ValidationCodeModel.TOO_MANY: (
        "More items than allowed: ids in one call, reminders, saved filters."
    ),
    ValidationCodeModel.OUT_OF_RANGE: (
        "A number or a span outside its bounds: hours, minutes, days, weeks, page size."
    ),
    ValidationCodeModel.ENDS_BEFORE_START: "A window or range ends before it starts.",
    ValidationCodeModel.INVALID_FORMAT: (
        "Not in the expected form: an email address, phone number, amount, key, time of day,"
        " date and time, push subscription, or a saved filter's value."
    ),
    ValidationCodeModel.INVALID_ID: "A global id that is malformed or of another type.",
    ValidationCodeModel.INVALID_CURSOR: (
        "A page cursor this list did not give out, or one that does not fit its ordering."
    ),
    ValidationCodeModel.INVALID_COMBINATION: (
        "Arguments that do not go together, one of a pair without the other, or not exactly"
        " one of several alternatives."
    ),
    ValidationCodeModel.UNKNOWN_VALUE: (
        "A name that is not one of the accepted ones: a time zone, channel, notification kind,"
        " export format, or an invoice or appointment status."
    ),
    ValidationCodeModel.NOT_AWARE: "A date and time without a UTC offset.",
    ValidationCodeModel.NOT_FOUND_IN_ORGANIZATION: (
        "An id or key that names nothing in your organization: a staff member, a linked record,"
        " a follow-up type, a saved filter."
    ),
    ValidationCodeModel.INACTIVE: "A staff member who is no longer active.",
    ValidationCodeModel.ARCHIVED: "An archived follow-up type, which new follow-ups cannot use.",
    ValidationCodeModel.DUPLICATE: (
        "A value that must be unique is taken: an email, a type key, a saved filter's name."
    ),
    ValidationCodeModel.LINK_MISMATCH: (
        "Links that contradict each other, e.g. another client's invoice."
    ),
    ValidationCodeModel.LEAD_NOT_DELIVERED: (
        "A primary follow-up for a lead that is not delivered yet."
    ),
    ValidationCodeModel.PRIMARY_EXISTS: "The lead has a primary follow-up already.",
    ValidationCodeModel.PRIMARY_NEEDS_LEAD: "A primary follow-up needs a lead and stays with it.",
    ValidationCodeModel.CONTACT_ATTEMPT_REQUIRED: (
        "The follow-up's type completes only after a contact attempt."
    ),
    ValidationCodeModel.IDEMPOTENCY_KEY_REUSED: (
        "The idempotency key belongs to another request; use a fresh one."
    ),
    ValidationCodeModel.SELF_LOCKOUT: "You cannot demote or deactivate yourself.",
    ValidationCodeModel.BUILT_IN: (
        "A built-in follow-up type keeps this: its contact rule; the customer check stays active."
    ),
    ValidationCodeModel.UNSAFE_URL: (
        "A URL the service would call (a push endpoint) that is not https or points at a"
        " loopback, private, link-local or otherwise internal address."
    ),
    ValidationCodeModel.WEAK_PASSWORD: (
        "A password that is common or easy to guess (zxcvbn score under 3)."
    ),
    ValidationCodeModel.WRONG_PASSWORD: "The current password given is not the right one.",
}


def _described(enum_type: type[Any], descriptions: dict[Any, str]) -> None:
    """Gives each value of a wrapped enum its description (strawberry.enum() takes none)."""
    for value in enum_type.__strawberry_definition__.values:
        value.description = descriptions.get(enum_type[value.name])


ValidationCode = ValidationCodeModel
strawberry.enum(
    ValidationCode,
    name="ValidationCode",
    description="Why input was refused: branch on the code, show the message.",
)
_described(ValidationCode, VALIDATION_CODE_DESCRIPTIONS)
