"""The follow-up rules: creation, transitions and the activity log. Checked here and only here."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from models.followups import (
    OPEN_STATUSES,
    CompletionOutcome,
    ContactAttempt,
    ContactOutcome,
    FollowUp,
    FollowUpActivity,
    FollowUpNote,
    FollowUpType,
    Origin,
    Priority,
    SatisfactionOutcome,
    Status,
)
from models.notifications import NotificationKind
from models.organizations import Organization
from models.parties import Client, Lead, LeadStage
from models.staff import Staff
from runtime import clock
from services import deadlines, events, followup_types, notifications, reminders, staff
from services.errors import (
    NotFound,
    TransitionRefused,
    ValidationCode,
    ValidationFailed,
    VersionConflict,
)
from services.links import BY_ID_FIELD, ID_FIELDS, links_agree
from services.notifications import Notice
from services.reminders import ReminderSpec
from services.unset import UNSET, Unset
from services.validation import aware, optional_text, required_text
from services.visibility import Caller, scoped, visible_follow_ups

SUBJECT_MAX = 200
DESCRIPTION_MAX = 5000
NOTES_MAX = 10000
NOTE_MAX = 5000
REASON_MAX = 2000
DELIVERED_STAGES = (LeadStage.DELIVERED, LeadStage.INSTALLED)

# Fields the activity log compares before and after each change.
TRACKED_FIELDS = (
    "subject", "description", "type_id", "status", "priority", "due_at", "started_at",
    "completed_at", "assignee_id", *ID_FIELDS, "is_primary", "contact_attempt_count",
    "last_contact_outcome",
    "outcome", "satisfaction_outcome", "has_issue", "issue_summary", "issue_resolved",
    "referral_opportunity", "notes", "cancel_reason",
)  # fmt: skip


@dataclass
class FollowUpDraft:
    subject: str
    type_key: str
    due_at: datetime
    description: str | None = None
    priority: Priority = Priority.MEDIUM
    assignee_id: int | None = None
    links: dict[str, int | None] = field(default_factory=dict)
    is_primary: bool = False
    notes: str | None = None
    idempotency_key: str | None = None
    reminders: list[ReminderSpec] | None = None  # None: the assignee's defaults
    origin: Origin = Origin.MANUAL  # set at insert: partial unique indexes depend on it


@dataclass
class Completion:
    outcome: CompletionOutcome
    notes: str | None = None
    contact_outcome: ContactOutcome | None = None
    satisfaction_outcome: SatisfactionOutcome | None = None
    has_issue: bool | None = None
    issue_summary: str | None = None
    referral_opportunity: bool | None = None


# ---------------------------------------------------------------- reading


# ---------------------------------------------------------------- creating


async def create_follow_up(caller: Caller, draft: FollowUpDraft) -> FollowUp:
    key = optional_text("idempotencyKey", draft.idempotency_key, 100)
    if key:
        earlier = await _earlier_create(caller, key)
        if earlier is not None:
            return earlier
    values = await _validated_new(caller, draft)
    specs = reminders.check_specs(draft.reminders) if draft.reminders is not None else None
    try:
        async with events.transaction():
            follow_up = await FollowUp.create(**values, idempotency_key=key)
            await _record(
                caller.org_id, caller.staff_id, follow_up, "created", {}, _snapshot(follow_up)
            )
            await reminders.plan_new(follow_up, specs)
            await _announce(follow_up, "CREATED", None, caller.staff_id)
    except IntegrityError as error:
        if key:
            earlier = await _earlier_create(caller, key)
            if earlier is not None:
                return earlier
        if draft.is_primary:
            raise ValidationFailed(
                "isPrimary",
                "This lead has a primary follow-up already.",
                code=ValidationCode.PRIMARY_EXISTS,
            ) from error
        raise
    return follow_up


async def _earlier_create(caller: Caller, key: str) -> FollowUp | None:
    """The follow-up this caller created with this key; a key someone else used is refused."""
    earlier = await scoped(FollowUp, caller).get_or_none(idempotency_key=key)
    if earlier is not None and earlier.created_by_id != caller.staff_id:
        raise ValidationFailed(
            "idempotencyKey",
            "This idempotency key belongs to another request; use a fresh one.",
            code=ValidationCode.IDEMPOTENCY_KEY_REUSED,
        )
    return earlier


async def _validated_new(caller: Caller, draft: FollowUpDraft) -> dict[str, Any]:
    follow_up_type = await followup_types.active_type_by_key(caller, draft.type_key)
    assignee_id = draft.assignee_id or caller.staff_id
    await staff.active_member(caller, assignee_id, "assigneeId")
    links = await validated_links(caller, draft.links)
    await links_agree(caller, links, [name for name, value in links.items() if value])
    if draft.is_primary:
        await _check_primary_allowed(caller, links.get("lead_id"), exclude_id=None)
    return {
        "org_id": caller.org_id,
        "type_id": follow_up_type.id,
        "subject": required_text("subject", draft.subject, SUBJECT_MAX),
        "description": optional_text("description", draft.description, DESCRIPTION_MAX),
        "notes": optional_text("notes", draft.notes, NOTES_MAX),
        "due_at": aware("dueAt", draft.due_at),
        "priority": draft.priority,
        "assignee_id": assignee_id,
        "created_by_id": caller.staff_id,
        "is_primary": draft.is_primary,
        "origin": draft.origin,
        **links,
    }


async def validated_links(caller: Caller, links: dict[str, int | None]) -> dict[str, int | None]:
    """The links, once each linked entity is found in the caller's organization."""
    checked: dict[str, int | None] = {}
    for id_field, value in links.items():
        link = BY_ID_FIELD[id_field]
        if value is not None and not await scoped(link.model, caller).filter(id=value).exists():
            raise ValidationFailed(
                link.api_name,
                f"There is no {link.noun} {value} here.",
                code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
            )
        checked[id_field] = value
    return checked


async def _check_primary_allowed(
    caller: Caller, lead_id: int | None, exclude_id: int | None
) -> None:
    """One primary post-delivery follow-up per lead, and only once the lead is delivered."""
    if lead_id is None:
        raise ValidationFailed(
            "isPrimary", "A primary follow-up needs a lead.", code=ValidationCode.PRIMARY_NEEDS_LEAD
        )
    lead = await scoped(Lead, caller).get(id=lead_id)
    if lead.stage not in DELIVERED_STAGES:
        raise ValidationFailed(
            "isPrimary",
            f"The lead is {lead.stage.name}; a primary follow-up waits for delivery.",
            code=ValidationCode.LEAD_NOT_DELIVERED,
        )
    others = FollowUp.filter(lead_id=lead_id, is_primary=True).exclude(status=Status.CANCELLED)
    if exclude_id is not None:
        others = others.exclude(id=exclude_id)
    if await others.exists():
        raise ValidationFailed(
            "isPrimary",
            "This lead has a primary follow-up already.",
            code=ValidationCode.PRIMARY_EXISTS,
        )


# ---------------------------------------------------------------- changing


Change = Callable[[FollowUp], Awaitable[None]]


async def _change(
    caller: Caller,
    follow_up_id: int,
    action: str,
    apply: Change,
    *,
    expected_version: int | None = None,
) -> FollowUp:
    """Locks the row, applies one change, bumps the version and logs it, all in one transaction."""
    return await _apply_change(
        visible_follow_ups(caller), caller.staff_id, follow_up_id, action, apply, expected_version
    )


async def _apply_change(
    query: QuerySet[FollowUp],
    actor_id: int | None,
    follow_up_id: int,
    action: str,
    apply: Change,
    expected_version: int | None = None,
) -> FollowUp:
    """The one path of every change: lock, check, apply, re-plan timers, log, announce."""
    async with events.transaction():
        follow_up = await query.select_for_update().get_or_none(id=follow_up_id)
        if follow_up is None:
            raise NotFound(f"Follow-up {follow_up_id} was not found.")
        if expected_version is not None and follow_up.version != expected_version:
            raise VersionConflict(follow_up.version)
        before = _snapshot(follow_up)
        await apply(follow_up)
        follow_up.version += 1
        await follow_up.save()
        after = _snapshot(follow_up)
        await _record(follow_up.org_id, actor_id, follow_up, action, before, after)
        await reminders.replan(follow_up, before)
        kind = "STATUS_CHANGED" if before["status"] != after["status"] else "UPDATED"
        await _announce(follow_up, kind, before["assignee_id"], actor_id)
    return follow_up


async def _announce(
    follow_up: FollowUp, kind: str, previous_assignee_id: int | None, actor_id: int | None
) -> None:
    """Live event for boards and lists; an ASSIGNED notice when someone else gave it to you
    (the rotting scan's own ROTTING_CLIENT notice says it for the follow-ups it creates)."""
    events.emit(
        follow_up.org_id,
        events.follow_up_event(kind, follow_up.id, follow_up.assignee_id, previous_assignee_id),
    )
    assignee = follow_up.assignee_id
    if assignee is None or assignee in (previous_assignee_id, actor_id):
        return
    if kind == "CREATED" and follow_up.origin == Origin.ROTTING_SCAN:
        return
    actor = await Staff.get_or_none(id=actor_id) if actor_id else None
    by = f" by {actor.name}" if actor else ""
    await notifications.notify(
        Notice(
            org_id=follow_up.org_id,
            recipient_id=assignee,
            kind=NotificationKind.ASSIGNED,
            title=f"Assigned to you{by}: {follow_up.subject}",
            body=follow_up.description,
            follow_up_id=follow_up.id,
            client_id=follow_up.client_id,
            dedupe_key=f"assigned:{follow_up.id}:v{follow_up.version}:staff:{assignee}",
        )
    )


async def mark_missed(follow_up_id: int) -> FollowUp | None:
    """The system's own transition, where the organization enables it: the setting is read
    again under the row lock, so one turned off since the timer was planned decides."""

    async def apply(follow_up: FollowUp) -> None:
        org = await Organization.get(id=follow_up.org_id)
        if not deadlines.may_become_missed(follow_up.status, org.mark_missed_after_hours):
            raise TransitionRefused(
                "The organization does not mark follow-ups missed now.", follow_up.status
            )
        follow_up.status = Status.MISSED

    try:
        return await _apply_change(FollowUp.all(), None, follow_up_id, "marked_missed", apply)
    except (TransitionRefused, NotFound):
        return None


def _require(follow_up: FollowUp, allowed: tuple[Status, ...], action: str) -> None:
    if follow_up.status not in allowed:
        raise TransitionRefused(
            f"Cannot {action} a follow-up that is {follow_up.status.name}.", follow_up.status
        )


async def start(caller: Caller, follow_up_id: int) -> FollowUp:
    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, (Status.PENDING, Status.MISSED), "start")
        follow_up.status = Status.IN_PROGRESS
        follow_up.started_at = follow_up.started_at or clock.now()

    return await _change(caller, follow_up_id, "started", apply)


async def log_contact_attempt(
    caller: Caller, follow_up_id: int, outcome: ContactOutcome, notes: str | None
) -> FollowUp:
    notes = optional_text("notes", notes, NOTE_MAX)

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "log a contact attempt on")
        await _add_contact_attempt(caller, follow_up, outcome, notes)

    return await _change(caller, follow_up_id, "contact_logged", apply)


async def _add_contact_attempt(
    caller: Caller, follow_up: FollowUp, outcome: ContactOutcome, notes: str | None
) -> None:
    now = clock.now()
    await ContactAttempt.create(
        org_id=caller.org_id,
        follow_up_id=follow_up.id,
        outcome=outcome,
        notes=notes,
        staff_id=caller.staff_id,
        staff_email=caller.email,
    )
    follow_up.contact_attempt_count += 1
    follow_up.last_contacted_at = now
    follow_up.last_contacted_by_email = caller.email
    follow_up.last_contact_outcome = outcome
    if follow_up.status in (Status.PENDING, Status.MISSED):
        follow_up.status = Status.IN_PROGRESS
        follow_up.started_at = follow_up.started_at or now
    # The party's own "last contacted" feeds neglect detection; it never touches a lead's stage.
    if follow_up.client_id:
        await Client.filter(id=follow_up.client_id).update(last_contacted_at=now)
    if follow_up.lead_id:
        await Lead.filter(id=follow_up.lead_id).update(last_contacted_at=now)


async def complete(caller: Caller, follow_up_id: int, completion: Completion) -> FollowUp:
    notes = optional_text("notes", completion.notes, NOTE_MAX)
    summary = _issue_summary(completion.has_issue, completion.issue_summary)

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "complete")
        follow_up_type = await FollowUpType.get(id=follow_up.type_id)
        if completion.contact_outcome is not None:
            await _add_contact_attempt(caller, follow_up, completion.contact_outcome, None)
        if follow_up_type.requires_contact and follow_up.contact_attempt_count == 0:
            raise ValidationFailed(
                "contactOutcome",
                f"A {follow_up_type.name.lower()} is complete only after a contact attempt: "
                "log one or give contactOutcome.",
                code=ValidationCode.CONTACT_ATTEMPT_REQUIRED,
            )
        if completion.has_issue:
            follow_up.has_issue, follow_up.issue_summary, follow_up.issue_resolved = (
                True,
                summary,
                False,
            )
        if completion.satisfaction_outcome is not None:
            follow_up.satisfaction_outcome = completion.satisfaction_outcome
        if completion.referral_opportunity is not None:
            follow_up.referral_opportunity = completion.referral_opportunity
        follow_up.outcome = completion.outcome
        follow_up.completed_at = clock.now()
        issue_open = follow_up.has_issue and not follow_up.issue_resolved
        follow_up.status = Status.CLOSED_WITH_ISSUE if issue_open else Status.COMPLETED
        if notes:
            await _add_note(caller, follow_up, notes)

    return await _change(caller, follow_up_id, "completed", apply)


async def resolve_issue(caller: Caller, follow_up_id: int, notes: str | None) -> FollowUp:
    notes = optional_text("notes", notes, NOTE_MAX)

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, (Status.CLOSED_WITH_ISSUE,), "resolve the issue of")
        if follow_up.issue_resolved:
            raise TransitionRefused("The issue is resolved already.", follow_up.status)
        follow_up.issue_resolved = True
        if notes:
            await _add_note(caller, follow_up, notes)

    return await _change(caller, follow_up_id, "issue_resolved", apply)


async def cancel(caller: Caller, follow_up_id: int, reason: str | None) -> FollowUp:
    reason = optional_text("reason", reason, REASON_MAX)

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "cancel")
        follow_up.status = Status.CANCELLED
        follow_up.cancelled_at = clock.now()
        follow_up.cancel_reason = reason

    return await _change(caller, follow_up_id, "cancelled", apply)


async def reschedule(caller: Caller, follow_up_id: int, due_at: datetime) -> FollowUp:
    due_at = aware("dueAt", due_at)
    return await reschedule_by(caller, follow_up_id, lambda _: due_at)


async def reschedule_by(
    caller: Caller, follow_up_id: int, move: Callable[[datetime], datetime]
) -> FollowUp:
    """Reschedules to move(current due time), read under the row lock (e.g. "two days later")."""

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "reschedule")
        follow_up.due_at = aware("dueAt", move(follow_up.due_at))
        if follow_up.status == Status.MISSED:
            follow_up.status = Status.PENDING

    return await _change(caller, follow_up_id, "rescheduled", apply)


async def delegate(caller: Caller, follow_up_id: int, assignee_id: int) -> FollowUp:
    await staff.active_member(caller, assignee_id, "assigneeId")
    return await delegate_to_member(caller, follow_up_id, assignee_id)


async def delegate_to_member(caller: Caller, follow_up_id: int, assignee_id: int) -> FollowUp:
    """delegate() once the assignee is known to be an active member (a bulk change checks
    that once for the batch)."""

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "delegate")
        follow_up.assignee_id = assignee_id

    return await _change(caller, follow_up_id, "delegated", apply)


async def set_reminders(
    caller: Caller, follow_up_id: int, specs: list[ReminderSpec] | None
) -> FollowUp:
    checked = reminders.check_specs(specs) if specs is not None else None

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "change the reminders of")
        await reminders.replace_reminders(follow_up, checked)

    return await _change(caller, follow_up_id, "reminders_set", apply)


async def add_note(caller: Caller, follow_up_id: int, body: str) -> FollowUp:
    body = required_text("body", body, NOTE_MAX)

    async def apply(follow_up: FollowUp) -> None:
        await _add_note(caller, follow_up, body)

    return await _change(caller, follow_up_id, "note_added", apply)


async def _add_note(caller: Caller, follow_up: FollowUp, body: str) -> None:
    await FollowUpNote.create(
        org_id=caller.org_id, follow_up_id=follow_up.id, author_id=caller.staff_id, body=body
    )


@dataclass
class FollowUpUpdate:
    """Fields left UNSET stay as they are; None clears an optional field."""

    subject: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    type_key: str | Unset | None = UNSET
    priority: Priority | Unset | None = UNSET
    notes: str | Unset | None = UNSET
    referral_opportunity: bool | Unset | None = UNSET
    has_issue: bool | Unset | None = UNSET
    issue_summary: str | Unset | None = UNSET
    links: dict[str, int | None] = field(default_factory=dict)


async def update(
    caller: Caller, follow_up_id: int, change: FollowUpUpdate, expected_version: int | None
) -> FollowUp:
    new_type = None
    if change.type_key is not UNSET:
        if change.type_key is None:
            raise ValidationFailed(
                "typeKey", "typeKey cannot be cleared.", code=ValidationCode.REQUIRED
            )
        new_type = await followup_types.active_type_by_key(caller, change.type_key)
    links = await validated_links(caller, change.links)

    async def apply(follow_up: FollowUp) -> None:
        _require(follow_up, OPEN_STATUSES, "update")
        if change.subject is not UNSET:
            follow_up.subject = required_text("subject", change.subject, SUBJECT_MAX)
        if change.description is not UNSET:
            follow_up.description = optional_text(
                "description", change.description, DESCRIPTION_MAX
            )
        if change.notes is not UNSET:
            follow_up.notes = optional_text("notes", change.notes, NOTES_MAX)
        if change.priority is not UNSET:
            if change.priority is None:
                raise ValidationFailed(
                    "priority", "priority cannot be cleared.", code=ValidationCode.REQUIRED
                )
            follow_up.priority = change.priority
        if change.referral_opportunity is not UNSET:
            follow_up.referral_opportunity = change.referral_opportunity
        if new_type is not None:
            follow_up.type_id = new_type.id
        if change.has_issue is not UNSET or change.issue_summary is not UNSET:
            _apply_issue(follow_up, change)
        if "lead_id" in links and follow_up.is_primary and links["lead_id"] != follow_up.lead_id:
            raise ValidationFailed(
                "leadId",
                "A primary follow-up stays with its lead.",
                code=ValidationCode.PRIMARY_NEEDS_LEAD,
            )
        current = {name: getattr(follow_up, name) for name in ID_FIELDS}
        await links_agree(caller, {**current, **links}, links)
        for id_field, value in links.items():
            setattr(follow_up, id_field, value)

    return await _change(caller, follow_up_id, "updated", apply, expected_version=expected_version)


def _apply_issue(follow_up: FollowUp, change: FollowUpUpdate) -> None:
    summary = follow_up.issue_summary if change.issue_summary is UNSET else change.issue_summary
    if change.has_issue is not UNSET:
        follow_up.has_issue = bool(change.has_issue)
        follow_up.issue_resolved = False if follow_up.has_issue else None
        if not follow_up.has_issue:
            summary = None
    follow_up.issue_summary = _issue_summary(follow_up.has_issue, summary)


def _issue_summary(has_issue: bool | None, summary: str | None) -> str | None:
    """An issue is recorded only together with what it is."""
    text = optional_text("issueSummary", summary, DESCRIPTION_MAX)
    if has_issue and not text:
        raise ValidationFailed(
            "issueSummary", "Say what the customer's issue is.", code=ValidationCode.REQUIRED
        )
    return text


# ---------------------------------------------------------------- the activity log


def _snapshot(follow_up: FollowUp) -> dict[str, Any]:
    return {name: getattr(follow_up, name) for name in TRACKED_FIELDS}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    return value


async def _record(
    org_id: int,
    actor_id: int | None,
    follow_up: FollowUp,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    changes = {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value and (before or value is not None)
    }
    await FollowUpActivity.create(
        org_id=org_id,
        follow_up_id=follow_up.id,
        actor_id=actor_id,
        action=action,
        changes=changes,
    )


async def history(follow_up_ids: list[int]) -> dict[int, list[FollowUpActivity]]:
    """Activity per follow-up, newest first (callers pass ids they may already see)."""
    grouped: dict[int, list[FollowUpActivity]] = {i: [] for i in follow_up_ids}
    for row in await FollowUpActivity.filter(follow_up_id__in=follow_up_ids).order_by(
        "-created_at", "-id"
    ):
        grouped[row.follow_up_id].append(row)
    return grouped


async def note_entries(follow_up_ids: list[int]) -> dict[int, list[FollowUpNote]]:
    grouped: dict[int, list[FollowUpNote]] = {i: [] for i in follow_up_ids}
    for row in await FollowUpNote.filter(follow_up_id__in=follow_up_ids).order_by(
        "-created_at", "-id"
    ):
        grouped[row.follow_up_id].append(row)
    return grouped


async def contact_attempts(follow_up_ids: list[int]) -> dict[int, list[ContactAttempt]]:
    grouped: dict[int, list[ContactAttempt]] = {i: [] for i in follow_up_ids}
    for row in await ContactAttempt.filter(follow_up_id__in=follow_up_ids).order_by(
        "-created_at", "-id"
    ):
        grouped[row.follow_up_id].append(row)
    return grouped


async def primary_follow_up_ids(caller: Caller, lead_ids: list[int]) -> dict[int, int]:
    """The live primary follow-up of each lead, by lead id."""
    rows = (
        await visible_follow_ups(caller)
        .filter(lead_id__in=lead_ids, is_primary=True)
        .exclude(status=Status.CANCELLED)
        .values("id", "lead_id")
    )
    return {row["lead_id"]: row["id"] for row in rows}
