"""The entities a follow-up links to, declared once: services, queries, the API's fields,
inputs, filters and loaders are all derived from LINKS.

Adding a link is a line here, the foreign key on models.followups.FollowUp with its
migration, and the two declared lines of the FollowUp API type (Strawberry needs a typed
field per link; see gql/schema/followups.py).

The one rule about links as a set lives here too (links_agree): rows that belong to a
client (belongs_to) name the follow-up's client.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from tortoise.models import Model

from models.parties import Appointment, Client, Installer, Invoice, Lead, Matter
from services.errors import ValidationCode, ValidationFailed
from services.visibility import Caller, scoped


@dataclass(frozen=True)
class Link:
    id_field: str  # the follow_up column, and the input's Python name
    model: type[Model]
    api_name: str  # the input and filter field, and the field a ValidationError names
    type_name: str  # the global id type, which is also the API type's name
    loader: str  # the request's DataLoader of the linked rows (gql.loaders)
    # The link the linked row itself belongs to (its column has the same name), e.g. an
    # invoice's client: a follow-up's links must agree on it.
    belongs_to: str | None = None

    @property
    def noun(self) -> str:
        return self.type_name.lower()


LINKS: tuple[Link, ...] = (
    Link("client_id", Client, "clientId", "Client", "client"),
    Link("lead_id", Lead, "leadId", "Lead", "lead"),
    Link("appointment_id", Appointment, "appointmentId", "Appointment", "appointment", "client_id"),
    Link("invoice_id", Invoice, "invoiceId", "Invoice", "invoice", "client_id"),
    Link("matter_id", Matter, "matterId", "Matter", "matter", "client_id"),
    Link("installer_id", Installer, "installerId", "Installer", "installer"),
)

BY_ID_FIELD: dict[str, Link] = {link.id_field: link for link in LINKS}
ID_FIELDS: tuple[str, ...] = tuple(BY_ID_FIELD)


async def links_agree(
    caller: Caller,
    links: dict[str, int | None],
    changed: Iterable[str],
    holder: str = "follow-up",
) -> None:
    """A follow-up's links agree on whom the linked rows belong to: a follow-up of client A
    links no invoice, appointment or matter of client B, nor (without a client) an invoice
    of A and a matter of B. One without a client link is accepted as it is, not given one.
    Only a disagreement the change takes part in is refused (a row stored before this rule
    stays editable); the ValidationFailed names the changed field that disagrees."""
    touched = set(changed)
    if not touched:
        return
    for owner_field in dict.fromkeys(link.belongs_to for link in LINKS if link.belongs_to):
        await _check_same_owner(caller, links, touched, BY_ID_FIELD[owner_field], holder)


async def _check_same_owner(
    caller: Caller, links: dict[str, int | None], changed: set[str], owner: Link, holder: str
) -> None:
    agreed: tuple[Link, int] | None = None
    if (owner_id := links.get(owner.id_field)) is not None:
        agreed = (owner, owner_id)
    for link in LINKS:
        value = links.get(link.id_field)
        if link.belongs_to != owner.id_field or value is None:
            continue
        found = cast(  # tortoise types flat values as tuples
            list[int],
            await scoped(link.model, caller)
            .filter(id=value)
            .values_list(owner.id_field, flat=True),
        )
        if not found:
            continue
        if agreed is None:
            agreed = (link, found[0])
        elif found[0] != agreed[1] and changed & {link.id_field, agreed[0].id_field}:
            raise _disagreement(link, agreed[0], owner, changed, holder)


def _disagreement(
    link: Link, other: Link, owner: Link, changed: set[str], holder: str
) -> ValidationFailed:
    """Blames the link that changed; `other` is the one it disagrees with."""
    if other.id_field in changed and link.id_field not in changed:
        link, other = other, link
    if link is owner:
        return ValidationFailed(
            owner.api_name,
            f"The {holder}'s {other.noun} belongs to another {owner.noun}; "
            f"change or clear {other.api_name} too.",
            code=ValidationCode.LINK_MISMATCH,
        )
    than = "" if other is owner else f" {other.noun}"
    return ValidationFailed(
        link.api_name,
        f"This {link.noun} belongs to another {owner.noun} than the {holder}'s{than}.",
        code=ValidationCode.LINK_MISMATCH,
    )
