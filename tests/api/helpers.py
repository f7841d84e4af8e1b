"""GraphQL snippets the API tests share."""

from datetime import UTC, datetime, timedelta
from typing import Any

from gql.schema.common import global_id
from tests.conftest import Api

FOLLOW_UP_FIELDS = """
  id subject status priority dueAt isOverdue startedAt completedAt version isPrimary
  contactAttemptCount lastContactedAt lastContactedByEmail lastContactOutcome
  outcome satisfactionOutcome hasIssue issueSummary issueResolved referralOpportunity notes
  type { key requiresContact } assignee { id } client { id } lead { id stage }
"""

ERRORS = """
  ... on ValidationError { message field }
  ... on NotFoundError { message }
  ... on TransitionError { message currentStatus }
  ... on ConflictError { message currentVersion }
  ... on PermissionError { message }
"""

PAYLOAD = f"__typename ... on FollowUp {{ {FOLLOW_UP_FIELDS} }} {ERRORS}"


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def create_follow_up(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    """Creates a follow-up and returns the payload (FollowUp or a typed error)."""
    values = {
        "subject": "Call about passport renewal",
        "typeKey": "phone_call",
        "dueAt": in_days(2),
    }
    values.update(fields)
    data = await api.data(
        f"mutation($i: CreateFollowUpInput!) {{ createFollowUp(input: $i) {{ {PAYLOAD} }} }}",
        {"i": values},
        token,
    )
    return data["createFollowUp"]


async def mutate(
    api: Api, token: str, call: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Runs one follow-up mutation, e.g. call='startFollowUp(id: $id)', and returns its payload."""
    declared = ", ".join(f"${name}: {kind}" for name, kind in _types(variables or {}).items())
    header = f"mutation({declared})" if declared else "mutation"
    data = await api.data(f"{header} {{ result: {call} {{ {PAYLOAD} }} }}", variables, token)
    return data["result"]


VARIABLE_TYPES = {
    "id": "ID!",
    "assigneeId": "ID!",
    "outcome": "ContactOutcome!",
    "notes": "String",
    "reason": "String",
    "dueAt": "DateTime!",
    "body": "String!",
    "input": "CompleteFollowUpInput!",
    "update": "UpdateFollowUpInput!",
    "version": "Int",
}


def _types(variables: dict[str, Any]) -> dict[str, str]:
    return {name: VARIABLE_TYPES[name] for name in variables}


async def create_party(api: Api, token: str, kind: str, values: dict[str, Any]) -> str:
    """Creates a client, lead, installer, appointment, invoice or matter; returns its id."""
    data = await api.data(
        f"mutation($i: Create{kind}Input!) {{ r: create{kind}(input: $i) {{ __typename ... on {kind} {{ id }} {ERRORS.replace('... on TransitionError { message currentStatus }', '').replace('... on ConflictError { message currentVersion }', '')} }} }}",
        {"i": values},
        token,
    )
    assert data["r"]["__typename"] == kind, data
    return data["r"]["id"]


def ghost_id(type_name: str, pk: int = 987_654_321) -> str:
    """A well-formed global id of a type that names no row anywhere."""
    return global_id(type_name, pk)
