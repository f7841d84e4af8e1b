"""Stored events: what happened in the host CRM (or here), kept once per eventId.

Named apart from services.events, the live bus of committed changes: these are the facts
automation reacts to, recorded by recordEvent, the signed webhook and the entity mutations.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.crm_events import Event, EventKind, EventSource
from models.parties import Appointment, Client, Invoice, Lead
from models.staff import Role
from runtime import clock
from services import global_ids, links, validation
from services.errors import ValidationCode, ValidationFailed
from services.pagination import (
    Keyset,
    Page,
    PageRequest,
    after_q,
    integer_key,
    keyset_page,
    moment_key,
)
from services.visibility import Caller, scoped

MAX_DATA_BYTES = 16 * 1024
MAX_AGE = timedelta(days=5 * 366)  # a host backfilling its history; older is a mistake
MAX_AHEAD = timedelta(minutes=5)  # the host's clock may run a little ahead of ours
CHANNELS = ("in_app", "email", "sms", "whatsapp", "push")

LINKED: tuple[tuple[str, type[Model], str], ...] = (
    ("client_id", Client, "clientId"),
    ("lead_id", Lead, "leadId"),
    ("appointment_id", Appointment, "appointmentId"),
    ("invoice_id", Invoice, "invoiceId"),
)


@dataclass
class EventInput:
    event_id: str
    kind: EventKind
    occurred_at: datetime | None = None
    client_id: int | None = None
    lead_id: int | None = None
    appointment_id: int | None = None
    invoice_id: int | None = None
    channel: str | None = None
    auto_reply: bool = False
    data: Any = None
    source: EventSource = EventSource.API


@dataclass
class Recorded:
    event: Event
    duplicate: bool = False


@dataclass
class ExternalIds:
    """The host's own ids for the linked rows (the webhook may name rows by them)."""

    by_field: dict[str, str] = field(default_factory=dict)  # e.g. {"client_id": "crm-17"}


def org_caller(org_id: int) -> Caller:
    """The organization itself as the caller: the webhook acts for no staff member."""
    return Caller(
        staff_id=0,
        org_id=org_id,
        role=Role.ADMIN,
        email="",
        name="webhook",
        timezone="UTC",
        staff_see_all_follow_ups=True,
    )


async def record_event(caller_or_org: Caller | int, input: EventInput) -> Recorded:
    """Stores the event once; an eventId already seen returns the first event, unchanged."""
    caller = caller_or_org if isinstance(caller_or_org, Caller) else org_caller(caller_or_org)
    event_id = validation.required_text("eventId", input.event_id, 200)
    existing = await scoped(Event, caller).get_or_none(event_id=event_id)
    if existing is not None:
        return Recorded(existing, duplicate=True)
    values = await _checked(caller, input)
    try:
        async with in_transaction():
            event = await Event.create(org_id=caller.org_id, event_id=event_id, **values)
    except IntegrityError:
        # A concurrent duplicate won the unique index: answer with its event.
        return Recorded(await scoped(Event, caller).get(event_id=event_id), duplicate=True)
    return Recorded(event)


async def record_from_webhook(org_id: int, body: Any) -> Recorded:
    """The webhook's JSON body as an event; a replayed eventId is answered before the rest of
    the body is looked at, so a replay of an event whose rows have gone still succeeds."""
    input, external = webhook_input(body)
    event_id = validation.required_text("eventId", input.event_id, 200)
    existing = await Event.get_or_none(org_id=org_id, event_id=event_id)
    if existing is not None:
        return Recorded(existing, duplicate=True)
    await resolve_external_ids(org_id, external, input)
    return await record_event(org_id, input)


async def resolve_external_ids(org_id: int, external: ExternalIds, input: EventInput) -> None:
    """Fills the input's links from the host's externalIds; a foreign one is refused."""
    caller = org_caller(org_id)
    for id_field, model, api_name in LINKED:
        external_id = external.by_field.get(id_field)
        if external_id is None:
            continue
        name = api_name.removesuffix("Id") + "ExternalId"
        if getattr(input, id_field) is not None:
            raise ValidationFailed(
                name,
                f"Give {api_name} or {name}, not both.",
                code=ValidationCode.INVALID_COMBINATION,
            )
        pk = (
            await scoped(model, caller).filter(external_id=external_id).values_list("id", flat=True)
        )
        if not pk:
            raise ValidationFailed(
                name,
                f"There is no {model.__name__.lower()} with externalId {external_id!r} here.",
                code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
            )
        setattr(input, id_field, pk[0])


async def _checked(caller: Caller, input: EventInput) -> dict[str, Any]:
    now = clock.now()
    occurred_at = (
        now if input.occurred_at is None else validation.aware("occurredAt", input.occurred_at)
    )
    if not now - MAX_AGE <= occurred_at <= now + MAX_AHEAD:
        raise ValidationFailed(
            "occurredAt",
            "occurredAt must lie within the last five years and not in the future.",
            code=ValidationCode.OUT_OF_RANGE,
        )
    if input.channel is not None and input.channel not in CHANNELS:
        raise ValidationFailed(
            "channel", f"{input.channel!r} is not a channel.", code=ValidationCode.UNKNOWN_VALUE
        )
    if len(json.dumps(input.data).encode()) > MAX_DATA_BYTES:
        raise ValidationFailed(
            "data",
            f"data is at most {MAX_DATA_BYTES // 1024} KB of JSON.",
            code=ValidationCode.TOO_LONG,
        )
    linked = {id_field: getattr(input, id_field) for id_field, _, _ in LINKED}
    for id_field, model, api_name in LINKED:
        pk = linked[id_field]
        if pk is not None and not await scoped(model, caller).filter(id=pk).exists():
            raise ValidationFailed(
                api_name,
                f"There is no {model.__name__.lower()} {pk} here.",
                code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
            )
    given = [id_field for id_field, pk in linked.items() if pk is not None]
    await links.links_agree(caller, linked, given, holder="event")
    if linked["client_id"] is None:
        linked["client_id"] = await _client_of(caller, linked)
    return {
        **linked,
        "kind": EventKind(input.kind),
        "occurred_at": occurred_at,
        "received_at": now,
        "source": input.source,
        "channel": input.channel,
        "auto_reply": input.auto_reply,
        "data": input.data,
    }


async def _client_of(caller: Caller, linked: dict[str, int | None]) -> int | None:
    """An invoice's or appointment's client, so the event shows on the client's history."""
    for id_field, model in (("invoice_id", Invoice), ("appointment_id", Appointment)):
        if (pk := linked[id_field]) is not None:
            found = await scoped(model, caller).filter(id=pk).values_list("client_id", flat=True)
            if found:
                return int(found[0])  # type: ignore[call-overload]
    return None


# ---------------------------------------------------------------- emitted by the entities


INVOICE_KINDS = {
    "sent": EventKind.INVOICE_SENT,
    "paid": EventKind.INVOICE_PAID,
    "overdue": EventKind.INVOICE_OVERDUE,
}


def kind_of_change(row: Model, changed: set[str], created: bool) -> EventKind | None:
    """The event an entity's change is, if any: the one place that says which change counts.

    `changed` holds the API names of the fields whose values changed (all given on create).
    """
    if isinstance(row, Client):
        if created:
            return EventKind.CLIENT_CREATED
        return EventKind.CLIENT_UPDATED if changed else None
    if isinstance(row, Lead) and "stage" in changed and not created:
        return EventKind.LEAD_STAGE_CHANGED
    if isinstance(row, Appointment) and (created or "status" in changed):
        return EventKind.APPOINTMENT_COMPLETED if row.status == "completed" else None
    if isinstance(row, Invoice) and (created or "status" in changed):
        return INVOICE_KINDS.get(row.status)
    return None


async def emit_for_change(row: Model, changed: set[str], created: bool) -> Event | None:
    """Stores the event an entity mutation caused; call it inside the mutation's transaction."""
    kind = kind_of_change(row, changed, created)
    if kind is None:
        return None
    now = clock.now()
    links_of_row: dict[str, Any] = {
        "client_id": row.pk if isinstance(row, Client) else getattr(row, "client_id", None),
        "lead_id": row.pk if isinstance(row, Lead) else None,
        "appointment_id": row.pk if isinstance(row, Appointment) else None,
        "invoice_id": row.pk if isinstance(row, Invoice) else None,
    }
    data: dict[str, Any] = {"changed": sorted(changed)} if not created else {}
    if isinstance(row, Lead):
        data["stage"] = row.stage.value
    return await Event.create(
        org_id=row.org_id,  # type: ignore[attr-defined]
        event_id=f"{kind.value}:{uuid.uuid4()}",
        kind=kind,
        occurred_at=now,
        received_at=now,
        source=EventSource.MUTATION,
        data=data,
        **links_of_row,
    )


# ---------------------------------------------------------------- lists


KEYSET = Keyset("Event.occurred_at", (moment_key, integer_key))


async def events_page(
    caller: Caller, request: PageRequest, client_id: int | None = None
) -> Page[Event]:
    """The organization's events (or one client's), newest first."""
    query = scoped(Event, caller)
    if client_id is not None:
        query = query.filter(client_id=client_id)

    async def fetch(position: tuple[Any, ...] | None, descending: bool, limit: int) -> list[Event]:
        page = (
            query.filter(after_q(["occurred_at", "id"], position, descending))
            if position
            else query
        )
        sign = "-" if descending else ""
        return list(await page.order_by(f"{sign}occurred_at", f"{sign}id").limit(limit))

    return await keyset_page(
        request, KEYSET, fetch, lambda event: [event.occurred_at, event.pk], descending=True
    )


# ---------------------------------------------------------------- the webhook's body


WEBHOOK_FIELDS = {
    "eventId",
    "kind",
    "occurredAt",
    "clientId",
    "leadId",
    "appointmentId",
    "invoiceId",
    "clientExternalId",
    "leadExternalId",
    "appointmentExternalId",
    "invoiceExternalId",
    "channel",
    "autoReply",
    "data",
}


def webhook_input(body: Any) -> tuple[EventInput, ExternalIds]:
    """The webhook's JSON (RecordEventInput's fields, ids global or the host's externalIds)."""
    if not isinstance(body, dict):
        raise ValidationFailed(None, "The body must be a JSON object.", code=ValidationCode.INVALID)
    unknown = sorted(set(body) - WEBHOOK_FIELDS)
    if unknown:
        raise ValidationFailed(
            unknown[0], f"Unknown field {unknown[0]!r}.", code=ValidationCode.UNKNOWN_VALUE
        )
    event_id = body.get("eventId")
    if not isinstance(event_id, str):
        raise ValidationFailed("eventId", "eventId is required.", code=ValidationCode.REQUIRED)
    input = EventInput(
        event_id=event_id,
        kind=_enum_name(EventKind, body.get("kind"), "kind", required=True),
        occurred_at=_moment(body.get("occurredAt")),
        channel=_channel(body.get("channel")),
        auto_reply=_flag(body.get("autoReply", False)),
        data=body.get("data"),
        source=EventSource.WEBHOOK,
    )
    external = ExternalIds()
    for id_field, model, api_name in LINKED:
        setattr(input, id_field, _global_id(body.get(api_name), model.__name__, api_name))
        name = api_name.removesuffix("Id") + "ExternalId"
        value = body.get(name)
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise ValidationFailed(name, f"{name} must be text.", code=ValidationCode.INVALID)
            external.by_field[id_field] = value.strip()
    return input, external


def _enum_name(kind: Any, value: Any, field: str, required: bool = False) -> Any:
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in kind.__members__:
        if value is None:
            raise ValidationFailed(field, f"{field} is required.", code=ValidationCode.REQUIRED)
        names = ", ".join(kind.__members__)
        raise ValidationFailed(
            field, f"{value!r} is not one of {names}.", code=ValidationCode.UNKNOWN_VALUE
        )
    return kind[value]


def _channel(value: Any) -> str | None:
    if value is None:
        return None
    names = {name.upper(): name for name in CHANNELS}
    if not isinstance(value, str) or value not in names:
        raise ValidationFailed(
            "channel",
            f"{value!r} is not one of {', '.join(names)}.",
            code=ValidationCode.UNKNOWN_VALUE,
        )
    return names[value]


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError) as error:
        raise ValidationFailed(
            "occurredAt",
            f"{value!r} is not an ISO-8601 date and time.",
            code=ValidationCode.INVALID_FORMAT,
        ) from error
    return validation.aware("occurredAt", parsed)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(
            "autoReply", "autoReply is true or false.", code=ValidationCode.INVALID
        )
    return value


def _global_id(value: Any, type_name: str, field: str) -> int | None:
    if value is None:
        return None
    pk = global_ids.primary_key(value, type_name) if isinstance(value, str) else None
    if pk is None:
        raise ValidationFailed(
            field, f"{value!r} is not the id of a {type_name}.", code=ValidationCode.INVALID_ID
        )
    return pk
