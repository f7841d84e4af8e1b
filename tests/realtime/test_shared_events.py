"""One bus event is worked out once per process and sharing key, never more than the
events it remembers, and never shown to the wrong caller."""

import asyncio

from gql.loaders import SharedEvents
from gql.schema.common import decode_id
from gql.schema.followups import FollowUpEvent
from models.followups import Priority
from services import auth
from services.followup_queries import Criteria
from tests.api.helpers import create_follow_up
from tests.conftest import Api, Org

Shown = FollowUpEvent | None


async def test_many_events_at_once_each_show_their_own_follow_up_in_bounded_memory(
    api: Api, org: Org
) -> None:
    await api.data(
        "mutation { updateOrganization(input: {staffSeeAllFollowUps: false}) { __typename } }",
        token=org.admin,
    )
    staff_id, staff_token = await org.add_staff("Ines")
    subjects = [f"Check-in {n}" for n in range(12)]
    ids = [
        decode_id((await create_follow_up(api, org.admin, subject=s, assigneeId=staff_id))["id"],
                  "FollowUp", "id")
        for s in subjects
    ]  # fmt: skip
    admin = await auth.authenticate(org.admin)
    colleague = await auth.authenticate(staff_token)
    other_admin = await auth.authenticate(org.admin)
    shared = SharedEvents(keep=4)

    def event(n: int) -> dict[str, object]:
        return {"type": "follow_up", "kind": "UPDATED", "id": ids[n], "arrival": 10_000 + n}

    async def everyone(n: int) -> tuple[Shown, Shown, Shown]:
        return await asyncio.gather(
            shared.follow_up_event(admin, event(n)),
            shared.follow_up_event(other_admin, event(n)),
            shared.follow_up_event(colleague, event(n)),
        )

    shown = await asyncio.gather(*(everyone(n) for n in range(len(ids))))
    for n, (for_admin, for_other_admin, for_colleague) in enumerate(shown):
        assert for_admin is not None and for_colleague is not None
        assert for_admin.follow_up.subject == subjects[n]
        assert for_other_admin is for_admin  # the same sharing key: one object, one execution
        assert for_colleague is not for_admin  # sees only their own: worked out apart
        assert for_colleague.follow_up.subject == subjects[n]
    assert len(shared.events) <= 4


async def test_a_caller_who_may_not_see_the_follow_up_gets_nothing(api: Api, org: Org) -> None:
    await api.data(
        "mutation { updateOrganization(input: {staffSeeAllFollowUps: false}) { __typename } }",
        token=org.admin,
    )
    _, staff_token = await org.add_staff("Oren")
    created = await create_follow_up(api, org.admin, subject="The admin's own")
    follow_up_id = decode_id(created["id"], "FollowUp", "id")
    shared = SharedEvents()
    message = {"type": "follow_up", "kind": "CREATED", "id": follow_up_id, "arrival": 20_000}
    admin_view = await shared.follow_up_event(await auth.authenticate(org.admin), message)
    assert admin_view is not None
    assert await shared.follow_up_event(await auth.authenticate(staff_token), message) is None


async def test_a_filter_is_judged_once_per_sharing_key_and_filter(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin, subject="Urgent", priority="HIGH")
    follow_up_id = decode_id(created["id"], "FollowUp", "id")
    admin = await auth.authenticate(org.admin)
    shared = SharedEvents()
    message = {"type": "follow_up", "kind": "CREATED", "id": follow_up_id, "arrival": 30_000}
    high, low = Criteria(priorities=[Priority.HIGH]), Criteria(priorities=[Priority.LOW])
    answers = await asyncio.gather(
        *(shared.matches(admin, message, high) for _ in range(3)),
        shared.matches(admin, message, low),
    )
    assert answers == [True, True, True, False]
    [entry] = shared.events.values()
    assert len(entry.matches) == 2  # three sockets with one filter asked once
