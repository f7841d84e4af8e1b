"""schema.graphql is the published contract: it must be what the code generates."""

from pathlib import Path

from gql.schema.root import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"

# Names from API.md that the foundation covers: clients depend on them.
CONTRACT_NAMES = [
    "interface Node",
    "enum FollowUpStatus",
    "enum Priority",
    "enum ContactOutcome",
    "enum SatisfactionOutcome",
    "enum CompletionOutcome",
    "enum LeadStage",
    "enum Role",
    "type FollowUpType implements Node",
    "type FollowUp implements Node",
    "type FollowUpNote",
    "input CreateFollowUpInput",
    "input FollowUpFilter",
    "input CompleteFollowUpInput",
    "union FollowUpPayload = FollowUp | ValidationError | NotFoundError | TransitionError | ConflictError | PermissionError",
    "union LoginPayload = AuthSuccess | AuthError",
    "type Staff implements Node",
    "type Client implements Node",
    "type Lead implements Node",
    "type Installer implements Node",
    "type Appointment implements Node",
    "type Invoice implements Node",
    "type Matter implements Node",
    "followUps(filter: FollowUpFilter",
    "createFollowUp(input: CreateFollowUpInput!): FollowUpPayload!",
    "updateFollowUp(id: ID!, input: UpdateFollowUpInput!, expectedVersion: Int",
    "startFollowUp(id: ID!): FollowUpPayload!",
    "logContactAttempt(id: ID!, outcome: ContactOutcome!, notes: String",
    "completeFollowUp(id: ID!, input: CompleteFollowUpInput!): FollowUpPayload!",
    "resolveFollowUpIssue(id: ID!, notes: String",
    "cancelFollowUp(id: ID!, reason: String",
    "rescheduleFollowUp(id: ID!, dueAt: DateTime!): FollowUpPayload!",
    "delegateFollowUp(id: ID!, assigneeId: ID!): FollowUpPayload!",
    "addFollowUpNote(id: ID!, body: String!): FollowUpPayload!",
    "setLeadStage(id: ID!, stage: LeadStage!): LeadPayload!",
    "login(email: String!, password: String!): LoginPayload!",
    "createStaff(input: CreateStaffInput!): StaffPayload!",
]


def test_schema_file_matches_the_code() -> None:
    generated = schema.as_str() + "\n"
    assert SCHEMA_FILE.read_text() == generated, (
        "schema.graphql is stale: run `make schema` (followups export-schema > schema.graphql)"
    )


def test_schema_keeps_every_contract_name() -> None:
    text = SCHEMA_FILE.read_text()
    missing = [name for name in CONTRACT_NAMES if name not in text]
    assert missing == []


def test_the_root_subscription_type_is_called_subscription() -> None:
    # API.md and every GraphQL client's convention; the operations keep their names.
    sdl = schema.as_str()
    assert "type Subscription {" in sdl and "NotificationsSubscription" not in sdl
    root = sdl[sdl.index("type Subscription {") :].split("\n}", 1)[0]
    assert "notifications(after: ID" in root and "followUpEvents(filter: FollowUpFilter" in root
