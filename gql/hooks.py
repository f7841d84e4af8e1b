"""POST /hooks/events: the host CRM's signed events (services/webhooks, services/crm_events).

The organization is named by the `X-Followups-Organization` header (its id, as create-org
prints it), so the documented path stays one; the signature proves the request is its own.
"""

import json

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from gql.limits import BodyTooLarge, read_body
from runtime import clock
from services import crm_events, global_ids, webhooks
from services.errors import ValidationFailed

MAX_BODY_BYTES = 256 * 1024
ORG_HEADER = "X-Followups-Organization"


def _refused(status: int, reason: str, **more: object) -> JSONResponse:
    return JSONResponse({"error": reason, **more}, status_code=status)


async def receive_event(request: Request) -> JSONResponse:
    org = request.headers.get(ORG_HEADER, "").strip()
    if not (org.isascii() and org.isdigit() and 0 < len(org) <= 10):
        return _refused(400, f"The {ORG_HEADER} header must hold your organization's id.")
    org_id = int(org)
    try:
        body = await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        return _refused(413, f"The body is larger than {MAX_BODY_BYTES // 1024} KB.")
    except ClientDisconnect:
        return _refused(400, "The body ended early.")
    try:
        await webhooks.verify(org_id, request.headers.get(webhooks.HEADER), body, clock.now())
    except webhooks.SignatureRefused as error:
        return _refused(401, error.message)
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return _refused(400, "The body is not JSON.")
    try:
        recorded = await crm_events.record_from_webhook(org_id, parsed)
    except ValidationFailed as error:
        return _refused(400, error.message, field=error.field, code=error.code.value)
    event = recorded.event
    return JSONResponse(
        {
            "eventId": event.event_id,
            "id": global_ids.global_id("Event", event.pk),
            "duplicate": recorded.duplicate,
        },
        status_code=202,
    )
