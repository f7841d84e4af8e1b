"""Clients, leads, installers, appointments, invoices and matters: the host CRM's entities.

Each create is an upsert by the host's external id, so replaying the host's events is safe:
a repeated create changes only the fields it gives, and explicit null clears an optional one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.fields import DatetimeField
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.parties import Appointment, Client, Installer, Invoice, Lead, LeadStage, Matter
from services import crm_events, staff, validation
from services.errors import ValidationCode, ValidationFailed
from services.pagination import (
    Keyset,
    Page,
    PageRequest,
    after_q,
    integer_key,
    keyset_page,
    moment_key,
    text_key,
)
from services.unset import UNSET, Unset
from services.visibility import Caller, get_scoped, scoped

M = TypeVar("M", bound=Model)


@dataclass
class ClientData:
    name: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    timezone: str | Unset | None = UNSET
    segment: str | Unset | None = UNSET
    owner_id: int | Unset | None = UNSET
    passport_expires_on: date | Unset | None = UNSET
    visa_expires_on: date | Unset | None = UNSET


@dataclass
class InstallerData:
    name: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET


@dataclass
class LeadData:
    name: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    stage: LeadStage | Unset = UNSET
    installer_id: int | Unset | None = UNSET
    owner_id: int | Unset | None = UNSET


@dataclass
class AppointmentData:
    client_id: int | Unset = UNSET
    starts_at: datetime | Unset | None = UNSET
    status: str | Unset | None = UNSET


@dataclass
class InvoiceData:
    client_id: int | Unset = UNSET
    number: str | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    status: str | Unset | None = UNSET
    due_on: date | Unset | None = UNSET


@dataclass
class MatterData:
    client_id: int | Unset = UNSET
    title: str | Unset | None = UNSET
    status: str | Unset | None = UNSET


def _given(data: Any) -> dict[str, Any]:
    return {
        f.name: getattr(data, f.name) for f in fields(data) if getattr(data, f.name) is not UNSET
    }


REQUIRED_ON_CREATE: dict[type[Model], tuple[str, ...]] = {
    Client: ("name",),
    Installer: ("name",),
    Lead: ("name",),
    Appointment: ("client_id", "starts_at"),
    Invoice: ("client_id", "number", "amount"),
    Matter: ("client_id", "title"),
}
"""What a new row cannot do without; an existing row keeps what a repeated create omits."""

STATUSES: dict[type[Model], tuple[str, ...]] = {
    Invoice: ("draft", "sent", "paid", "overdue", "void"),
    Appointment: ("scheduled", "completed", "cancelled", "no_show"),
}
"""The closed sets of statuses; automation reacts to some (services.crm_events)."""


def _check_status(model: type[Model], checked: dict[str, Any]) -> dict[str, Any]:
    allowed = STATUSES.get(model)
    if allowed is not None and "status" in checked and checked["status"] not in allowed:
        raise ValidationFailed(
            "status",
            f"{checked['status']!r} is not a {model.__name__.lower()} status: "
            f"one of {', '.join(allowed)}.",
            code=ValidationCode.UNKNOWN_VALUE,
        )
    return checked


async def _check_party_values(caller: Caller, values: dict[str, Any]) -> dict[str, Any]:
    """One place for the field rules every party shares."""
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("name", "title", "number"):
            checked[name] = validation.required_text(name, value, 200 if name != "number" else 64)
        elif name == "email":
            checked[name] = validation.email("email", value)
        elif name == "phone":
            checked[name] = _phone(value)
        elif name == "timezone":
            checked[name] = validation.timezone("timezone", value)
        elif name in ("segment", "status"):
            checked[name] = validation.optional_text(name, value, 64)
        elif name == "owner_id":
            if value is not None:
                await staff.active_member(caller, value, "ownerId")
            checked[name] = value
        elif name == "installer_id":
            if value is not None:
                await _exists(Installer, caller, value, "installerId")
            checked[name] = value
        elif name == "client_id":
            if value is None:
                raise ValidationFailed(
                    "clientId", "clientId is required.", code=ValidationCode.REQUIRED
                )
            await _exists(Client, caller, value, "clientId")
            checked[name] = value
        elif name == "amount":
            checked[name] = _amount(value)
        elif name == "starts_at":
            if value is None:
                raise ValidationFailed(
                    "startsAt", "startsAt is required.", code=ValidationCode.REQUIRED
                )
            checked[name] = validation.aware("startsAt", value)
        else:
            checked[name] = value
    for name in ("status", "stage"):
        if name in checked and checked[name] is None:
            checked.pop(name)  # null: keep the current one, or the default
    return checked


def _phone(value: str | None) -> str | None:
    text = validation.optional_text("phone", value, 40)
    if text and not all(c.isdigit() or c in "+-() ." for c in text):
        raise ValidationFailed(
            "phone", f"{value!r} is not a phone number.", code=ValidationCode.INVALID_FORMAT
        )
    return text


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise ValidationFailed(
            "amount", "amount is not a number.", code=ValidationCode.INVALID_FORMAT
        ) from error
    exponent = amount.as_tuple().exponent  # a letter for NaN and Infinity
    if not isinstance(exponent, int) or exponent < -2 or abs(amount) >= 10**12:
        raise ValidationFailed(
            "amount",
            "amount needs at most 2 decimals and 12 digits.",
            code=ValidationCode.INVALID_FORMAT,
        )
    return amount


async def _exists(model: type[Model], caller: Caller, pk: int, field: str) -> None:
    if not await scoped(model, caller).filter(id=pk).exists():
        raise ValidationFailed(
            field,
            f"There is no {model.__name__.lower()} {pk} here.",
            code=ValidationCode.NOT_FOUND_IN_ORGANIZATION,
        )


async def upsert(model: type[M], caller: Caller, data: Any, external_id: str | None) -> M:
    """Creates the row, or updates the one with the same external id with the fields given."""
    external_id = validation.optional_text("externalId", external_id, 100)
    values = _given(data)
    if external_id:
        existing = await scoped(model, caller).get_or_none(external_id=external_id)
        if existing is not None:
            checked = _check_status(model, await _check_party_values(caller, values))
            return await _save(existing, checked)
    for name in REQUIRED_ON_CREATE[model]:
        if values.get(name, UNSET) in (None, UNSET):
            raise ValidationFailed(
                _api_name(name), f"{_api_name(name)} is required.", code=ValidationCode.REQUIRED
            )
    checked = _check_status(model, await _check_party_values(caller, values))
    try:
        async with in_transaction():
            row = await model.create(org_id=caller.org_id, external_id=external_id, **checked)
            await crm_events.emit_for_change(row, _api_names(checked), created=True)
            return row
    except IntegrityError:
        if external_id is None:
            raise
        # A concurrent create with the same external id won: apply ours as an update.
        existing = await scoped(model, caller).get(external_id=external_id)
        return await _save(existing, checked)


async def update(model: type[M], caller: Caller, pk: int, data: Any, label: str) -> M:
    row = await get_scoped(model, caller, pk, label)
    checked = _check_status(model, await _check_party_values(caller, _given(data)))
    return await _save(row, checked)


async def _save(row: M, values: dict[str, Any]) -> M:
    """Saves the values; a change that is an event (services.crm_events) is stored with it."""
    changed = {name for name, value in values.items() if getattr(row, name) != value}
    for name, value in values.items():
        setattr(row, name, value)
    async with in_transaction():
        await row.save()
        await crm_events.emit_for_change(row, _api_names(changed), created=False)
    return row


def _api_names(names: Iterable[str]) -> set[str]:
    return {_api_name(name) for name in names}


def _api_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def set_lead_stage(caller: Caller, lead_id: int, stage: LeadStage) -> Lead:
    """The host CRM owns the lifecycle: it tells us, follow-ups never change it."""
    lead = await get_scoped(Lead, caller, lead_id, "Lead")
    changed = {"stage"} if lead.stage != stage else set()
    lead.stage = stage
    async with in_transaction():
        await lead.save(update_fields=["stage", "updated_at"])
        await crm_events.emit_for_change(lead, changed, created=False)
    return lead


@dataclass
class PartySearch:
    search: str | None = None
    owner_id: int | None = None
    client_id: int | None = None
    stage: list[LeadStage] | None = None
    starts_after: datetime | None = None
    due_before: date | None = None


def keyset(model: type[Model], order: str) -> Keyset:
    timed = isinstance(model._meta.fields_map[order], DatetimeField)
    return Keyset(f"{model.__name__}.{order}", (moment_key if timed else text_key, integer_key))


async def list_rows(
    model: type[M], caller: Caller, search: PartySearch, order: str, request: PageRequest
) -> tuple[Page[M], int]:
    """A page in `order` (then id) and the total; keyset cursors, so pages stay put."""
    query = scoped(model, caller)
    for value, column, api_field in (
        (search.owner_id, "owner", "ownerId"),
        (search.client_id, "client", "clientId"),
        (search.stage, "stage", "stages"),
    ):
        if value is not None and column not in model._meta.fields_map:
            raise ValidationFailed(
                api_field,
                f"{model.__name__} rows have no {api_field} to filter.",
                code=ValidationCode.INVALID_COMBINATION,
            )
    if search.search:
        column = "title" if model is Matter else "number" if model is Invoice else "name"
        query = query.filter(**{f"{column}__icontains": search.search.strip()})
    if search.owner_id is not None:
        query = query.filter(owner_id=search.owner_id)
    if search.client_id is not None:
        query = query.filter(client_id=search.client_id)
    if search.stage is not None:
        query = query.filter(stage__in=search.stage)
    if search.starts_after is not None:
        query = query.filter(starts_at__gte=search.starts_after)
    if search.due_before is not None:
        query = query.filter(due_on__lt=search.due_before)
    total = await query.count()

    async def fetch(position: tuple[Any, ...] | None, descending: bool, limit: int) -> list[M]:
        page = query.filter(after_q([order, "id"], position, descending)) if position else query
        sign = "-" if descending else ""
        return list(await page.order_by(f"{sign}{order}", f"{sign}id").limit(limit))

    page = await keyset_page(
        request, keyset(model, order), fetch, lambda row: [getattr(row, order), row.pk]
    )
    return page, total
