"""DataLoaders, one set per request (and per subscription event), scoped to the caller.

Every nested object loads through here, so a page of 50 costs the same statements as 5.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from gql.schema import followups as fu
from gql.schema import notifications as notification_types
from gql.schema import parties, staff
from gql.schema.rows import build, columns
from models.followups import FollowUpType as FollowUpTypeModel
from models.parties import Appointment, Client, Installer, Invoice, Lead, Matter
from models.staff import Staff as StaffModel
from services import followups, notifications, reminders
from services.visibility import Caller, rows_by_ids, scoped, visible_follow_ups


def _by_id(query: Callable[[], Any], shape: type) -> Callable[[list[int]], Awaitable[list[Any]]]:
    async def load(ids: list[int]) -> list[Any]:
        rows = await rows_by_ids(query(), list(ids), columns(shape))
        return [build(shape, rows[i]) if i in rows else None for i in ids]

    return load


def _children(
    fetch: Callable[[list[int]], Awaitable[dict[int, list[Any]]]], shape: type
) -> Callable[[list[int]], Awaitable[list[list[Any]]]]:
    async def load(ids: list[int]) -> list[list[Any]]:
        grouped = await fetch(list(ids))
        return [[build(shape, row) for row in grouped[i]] for i in ids]

    return load


def _rows_by_parent(
    fetch: Callable[[list[int]], Awaitable[dict[int, list[Any]]]],
) -> Callable[[list[int]], Awaitable[list[list[Any]]]]:
    """Child model rows per parent id, for fields that shape them themselves."""

    async def load(ids: list[int]) -> list[list[Any]]:
        grouped = await fetch(list(ids))
        return [grouped[i] for i in ids]

    return load


class Loaders:
    def __init__(self, caller: Caller | None) -> None:
        self.caller = caller
        if caller is None:
            return
        self.follow_up = DataLoader(_by_id(lambda: visible_follow_ups(caller), fu.FollowUp))
        self.follow_up_type = DataLoader(
            _by_id(lambda: scoped(FollowUpTypeModel, caller), fu.FollowUpType)
        )
        self.staff = DataLoader(_by_id(lambda: scoped(StaffModel, caller), staff.Staff))
        self.client = DataLoader(_by_id(lambda: scoped(Client, caller), parties.Client))
        self.lead = DataLoader(_by_id(lambda: scoped(Lead, caller), parties.Lead))
        self.installer = DataLoader(_by_id(lambda: scoped(Installer, caller), parties.Installer))
        self.appointment = DataLoader(
            _by_id(lambda: scoped(Appointment, caller), parties.Appointment)
        )
        self.invoice = DataLoader(_by_id(lambda: scoped(Invoice, caller), parties.Invoice))
        self.matter = DataLoader(_by_id(lambda: scoped(Matter, caller), parties.Matter))
        self.note_entries = DataLoader(_children(followups.note_entries, fu.FollowUpNote))
        self.contact_attempts = DataLoader(_children(followups.contact_attempts, fu.ContactAttempt))
        self.history = DataLoader(_children(followups.history, fu.FollowUpActivity))
        self.primary_follow_up = DataLoader(self._primary_follow_ups)
        self.notification = DataLoader(
            _by_id(lambda: notifications.inbox(caller), notification_types.Notification)
        )
        self.deliveries = DataLoader(_rows_by_parent(notifications.deliveries_of))
        self.reminders = DataLoader(_rows_by_parent(reminders.reminders_of))

    async def load_optional(self, name: str, pk: int | None) -> Any:
        if pk is None:
            return None
        return await getattr(self, name).load(pk)

    async def _primary_follow_ups(self, lead_ids: list[int]) -> list[Any]:
        assert self.caller is not None
        ids = await followups.primary_follow_up_ids(self.caller, list(lead_ids))
        found = await self.follow_up.load_many([ids[i] for i in lead_ids if i in ids])
        by_lead = dict(zip([i for i in lead_ids if i in ids], found, strict=True))
        return [by_lead.get(i) for i in lead_ids]
