"""Live notifications and follow-up events over a real websocket."""

import asyncio
import json
from datetime import timedelta

import pytest
import websockets
from websockets.typing import Subprotocol

from runtime import clock
from tests.api.helpers import create_follow_up, in_days, mutate
from tests.conftest import Api, Org, make_org
from tests.pipeline.test_reminders import run_pipeline_until
from tests.realtime.conftest import connect

NOTIFICATIONS = "subscription($after: ID) { notifications(after: $after) { id kind title followUp { subject } } }"
EVENTS = "subscription($f: FollowUpFilter) { followUpEvents(filter: $f) { kind followUp { subject status } } }"


async def test_a_reminder_arrives_over_the_websocket(api: Api, org: Org, live_url: str) -> None:
    client, ack = await connect(live_url, org.admin)
    assert ack["type"] == "connection_ack"
    operation = await client.subscribe(NOTIFICATIONS)
    created = await create_follow_up(
        api, org.admin, subject="Call Mrs Osei", dueAt=in_days(1),
        reminders=[{"offsetMinutes": 10, "channels": ["IN_APP"]}],
    )  # fmt: skip
    assert created["__typename"] == "FollowUp"
    await run_pipeline_until(clock.now() + timedelta(days=1, minutes=-10))
    # The day travelled may include the admin's 08:00 digest; the reminder follows it.
    notice = (await client.next_data(operation))["notifications"]
    if notice["kind"] == "DIGEST":
        notice = (await client.next_data(operation))["notifications"]
    assert notice["kind"] == "REMINDER"
    assert notice["followUp"]["subject"] == "Call Mrs Osei"
    await client.connection.close()


async def test_a_resumed_subscription_loses_and_repeats_nothing(
    api: Api, org: Org, live_url: str
) -> None:
    colleague_id, colleague = await org.add_staff("Kofi")
    client, _ = await connect(live_url, colleague)
    operation = await client.subscribe(NOTIFICATIONS)
    first = await create_follow_up(api, org.admin, subject="One", assigneeId=colleague_id)
    seen = (await client.next_data(operation))["notifications"]
    assert seen["kind"] == "ASSIGNED" and seen["followUp"]["subject"] == "One"
    await client.connection.close()

    for subject in ("Two", "Three"):  # while the client is away
        await create_follow_up(api, org.admin, subject=subject, assigneeId=colleague_id)

    client, _ = await connect(live_url, colleague)
    operation = await client.subscribe(NOTIFICATIONS, {"after": seen["id"]})
    replayed = [
        (await client.next_data(operation))["notifications"]["followUp"]["subject"]
        for _ in range(2)
    ]
    assert replayed == ["Two", "Three"]
    await create_follow_up(api, org.admin, subject="Four", assigneeId=colleague_id)
    live = (await client.next_data(operation))["notifications"]
    assert live["followUp"]["subject"] == "Four"
    assert first["__typename"] == "FollowUp"
    await client.connection.close()


async def test_follow_up_events_stream_changes_the_caller_may_see(
    api: Api, org: Org, live_url: str
) -> None:
    client, _ = await connect(live_url, org.admin)
    operation = await client.subscribe(EVENTS, {"f": {"priority": ["HIGH"]}})
    await create_follow_up(api, org.admin, subject="Low one", priority="LOW")
    created = await create_follow_up(api, org.admin, subject="Urgent one", priority="HIGH")
    event = (await client.next_data(operation))["followUpEvents"]
    assert event == {"kind": "CREATED", "followUp": {"subject": "Urgent one", "status": "PENDING"}}
    await mutate(api, org.admin, "startFollowUp(id: $id)", {"id": created["id"]})
    event = (await client.next_data(operation))["followUpEvents"]
    assert event == {
        "kind": "STATUS_CHANGED",
        "followUp": {"subject": "Urgent one", "status": "IN_PROGRESS"},
    }

    other = await make_org(api, "Other Org")
    await create_follow_up(api, other.admin, subject="Not yours", priority="HIGH")
    await mutate(
        api,
        org.admin,
        "addFollowUpNote(id: $id, body: $body)",
        {"id": created["id"], "body": "Left a voicemail"},
    )
    event = (await client.next_data(operation))["followUpEvents"]
    assert event["kind"] == "UPDATED" and event["followUp"]["subject"] == "Urgent one"
    await client.connection.close()


async def test_staff_who_see_only_their_own_get_only_their_own_events(
    api: Api, org: Org, live_url: str
) -> None:
    await api.data(
        "mutation { updateOrganization(input: {staffSeeAllFollowUps: false}) { __typename } }",
        token=org.admin,
    )
    staff_id, staff = await org.add_staff("Lin")
    client, _ = await connect(live_url, staff)
    operation = await client.subscribe(EVENTS)
    await create_follow_up(api, org.admin, subject="The admin's own")
    await create_follow_up(api, org.admin, subject="For Lin", assigneeId=staff_id)
    event = (await client.next_data(operation))["followUpEvents"]
    assert event["followUp"]["subject"] == "For Lin"
    await client.connection.close()


async def test_connection_init_without_a_valid_token_is_refused(
    live_url: str, dbready: str
) -> None:
    _, answer = await connect(live_url, None)
    assert answer == {"type": "closed", "code": 4403}
    _, answer = await connect(live_url, "not-a-token")
    assert answer == {"type": "closed", "code": 4403}


async def test_logging_out_closes_the_socket_with_4401(
    api: Api, org: Org, live_url: str, fast_session_checks: None
) -> None:
    client, ack = await connect(live_url, org.admin)
    assert ack["type"] == "connection_ack"
    await client.subscribe(NOTIFICATIONS)
    await api.data("mutation { logout }", token=org.admin)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_an_expiring_token_closes_the_socket_with_4401(
    api: Api, org: Org, live_url: str, fast_session_checks: None
) -> None:
    client, _ = await connect(live_url, org.admin)
    await client.subscribe(NOTIFICATIONS)
    clock.travel(timedelta(minutes=16))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await client.receive()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_the_legacy_protocol_is_off_by_default(live_url: str, dbready: str) -> None:
    connection = await websockets.connect(live_url, subprotocols=[Subprotocol("graphql-ws")])
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await connection.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406


async def test_the_legacy_protocol_when_enabled_authenticates_the_same_way(
    api: Api, org: Org, legacy_live_url: str
) -> None:
    refused = await websockets.connect(legacy_live_url, subprotocols=[Subprotocol("graphql-ws")])
    await refused.send(json.dumps({"type": "connection_init", "payload": {}}))
    answer = json.loads(await refused.recv())
    assert answer["type"] == "connection_error"

    connection = await websockets.connect(legacy_live_url, subprotocols=[Subprotocol("graphql-ws")])
    await connection.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {org.admin}"}})
    )
    assert json.loads(await connection.recv())["type"] == "connection_ack"
    await connection.send(
        json.dumps({"id": "1", "type": "start", "payload": {"query": EVENTS, "variables": {}}})
    )
    await create_follow_up(api, org.admin, subject="Old client sees it")
    while True:
        message = json.loads(await asyncio.wait_for(connection.recv(), 10))
        if message["type"] != "ka":
            break
    assert message["type"] == "data"
    assert (
        message["payload"]["data"]["followUpEvents"]["followUp"]["subject"] == "Old client sees it"
    )
    await connection.close()


async def test_each_event_shows_linked_records_as_they_are_now(
    api: Api, org: Org, live_url: str
) -> None:
    """A board open all day shows a renamed client under its new name on the next change."""
    client_id = (
        await api.data(
            'mutation { createClient(input: {name: "Adeyemi Ltd"}) { ... on Client { id } } }',
            token=org.admin,
        )
    )["createClient"]["id"]
    board, _ = await connect(live_url, org.admin)
    operation = await board.subscribe(
        "subscription { followUpEvents { kind followUp { subject client { name } } } }"
    )
    created = await create_follow_up(api, org.admin, subject="Visa renewal", clientId=client_id)
    event = (await board.next_data(operation))["followUpEvents"]
    assert event["followUp"] == {"subject": "Visa renewal", "client": {"name": "Adeyemi Ltd"}}

    renamed = await api.data(
        'mutation($id: ID!) { updateClient(id: $id, input: {name: "Adeyemi & Sons"}) '
        "{ __typename } }",
        {"id": client_id},
        token=org.admin,
    )
    assert renamed["updateClient"]["__typename"] == "Client"
    await mutate(api, org.admin, "startFollowUp(id: $id)", {"id": created["id"]})
    event = (await board.next_data(operation))["followUpEvents"]
    assert event["kind"] == "STATUS_CHANGED"
    assert event["followUp"]["client"] == {"name": "Adeyemi & Sons"}
    await board.connection.close()


async def test_subscribers_of_one_event_each_get_their_own_selection_and_filter(
    api: Api, org: Org, live_url: str
) -> None:
    """One event is worked out once per distinct query; no socket gets another's shape."""
    plain = "subscription { followUpEvents { kind followUp { subject } } }"
    wider = "subscription { followUpEvents { followUp { subject priority dueAt } } }"
    sockets = [await connect(live_url, org.admin) for _ in range(4)]
    operations = [
        await sockets[0][0].subscribe(plain),
        await sockets[1][0].subscribe(plain),
        await sockets[2][0].subscribe(wider),
        await sockets[3][0].subscribe(EVENTS, {"f": {"priority": ["LOW"]}}),
    ]
    due = "2031-03-04T09:30:00Z"
    await create_follow_up(api, org.admin, subject="Shared", priority="HIGH", dueAt=due)
    await create_follow_up(api, org.admin, subject="Quiet", priority="LOW", dueAt=in_days(3))
    received = [
        (await client.next_data(operation))["followUpEvents"]
        for (client, _), operation in zip(sockets, operations, strict=True)
    ]
    assert received[0] == received[1] == {"kind": "CREATED", "followUp": {"subject": "Shared"}}
    assert received[2] == {"followUp": {"subject": "Shared", "priority": "HIGH", "dueAt": due}}
    assert received[3] == {"kind": "CREATED", "followUp": {"subject": "Quiet", "status": "PENDING"}}
    for client, _ in sockets:
        await client.connection.close()
