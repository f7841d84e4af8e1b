"""One action on many follow-ups: each goes through the same service call as a single change.

Every follow-up is changed in its own transaction by services.followups (lock, rules,
timers, log, events), so one refusal never half-applies another, and the result of each id
is exactly what the single mutation would have answered. What is the same for every id is
done once: the batch size, the action's own input, and which ids the caller can see at all
(one query; ids outside it are NotFound without a transaction each). The call's own rules
live here too: at most MAX_IDS ids as given, exactly one action, one result per distinct id.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from models.followups import FollowUp, Priority
from services import followups, staff
from services.errors import DomainError, NotFound, ValidationCode, ValidationFailed
from services.followups import Completion, FollowUpUpdate
from services.validation import aware, zone
from services.visibility import Caller, visible_follow_ups

MAX_IDS = 1000
MAX_SHIFT_DAYS = 3660
MAX_SHIFT_MINUTES = MAX_SHIFT_DAYS * 24 * 60

Run = Callable[[Caller, int], Awaitable[FollowUp]]


@dataclass(frozen=True)
class Outcome:
    """The result for one id as given: the changed follow-up, or the error that refused it."""

    given_id: str
    follow_up: FollowUp | None = None
    error: DomainError | None = None


@dataclass(frozen=True)
class Start:
    confirmed: bool = True

    def __post_init__(self) -> None:
        if not self.confirmed:
            raise ValidationFailed(
                "start",
                "Give start: true to start each follow-up.",
                code=ValidationCode.INVALID_COMBINATION,
            )

    async def prepare(self, caller: Caller) -> Run:
        return followups.start


@dataclass(frozen=True)
class Complete:
    completion: Completion

    async def prepare(self, caller: Caller) -> Run:
        return lambda c, pk: followups.complete(c, pk, self.completion)


@dataclass(frozen=True)
class Cancel:
    reason: str | None = None

    async def prepare(self, caller: Caller) -> Run:
        return lambda c, pk: followups.cancel(c, pk, self.reason)


@dataclass(frozen=True)
class Delegate:
    assignee_id: int

    async def prepare(self, caller: Caller) -> Run:
        # delegate()'s check of the assignee, once for the batch rather than once an id.
        await staff.active_member(caller, self.assignee_id, "assigneeId")
        return lambda c, pk: followups.delegate_to_member(c, pk, self.assignee_id)


@dataclass(frozen=True)
class Reschedule:
    """To one due time, or each moved from its own: days in the caller's zone, then minutes."""

    due_at: datetime | None = None
    shift_days: int = 0
    shift_minutes: int = 0

    def __post_init__(self) -> None:
        """The input's shape is checked on construction: a malformed one refuses the call."""
        shifting = bool(self.shift_days or self.shift_minutes)
        if (self.due_at is None) == (not shifting):
            raise ValidationFailed(
                "reschedule",
                "Give dueAt, or a non-zero shiftDays and/or shiftMinutes.",
                code=ValidationCode.INVALID_COMBINATION,
            )
        if self.due_at is not None:
            aware("dueAt", self.due_at)
        if abs(self.shift_days) > MAX_SHIFT_DAYS:
            raise ValidationFailed(
                "shiftDays",
                f"Shift by at most {MAX_SHIFT_DAYS} days.",
                code=ValidationCode.OUT_OF_RANGE,
            )
        if abs(self.shift_minutes) > MAX_SHIFT_MINUTES:
            raise ValidationFailed(
                "shiftMinutes",
                f"Shift by at most {MAX_SHIFT_MINUTES} minutes.",
                code=ValidationCode.OUT_OF_RANGE,
            )

    async def prepare(self, caller: Caller) -> Run:
        if self.due_at is not None:
            due_at = self.due_at
            return lambda c, pk: followups.reschedule(c, pk, due_at)
        local = zone(caller.timezone)

        def move(current: datetime) -> datetime:
            # Calendar days keep the wall-clock time across a DST change ("tomorrow, same time").
            moved = current.astimezone(local) + timedelta(days=self.shift_days)
            return moved.astimezone(UTC) + timedelta(minutes=self.shift_minutes)

        return lambda c, pk: followups.reschedule_by(c, pk, move)


@dataclass(frozen=True)
class SetPriority:
    priority: Priority

    async def prepare(self, caller: Caller) -> Run:
        change = FollowUpUpdate(priority=self.priority)
        return lambda c, pk: followups.update(c, pk, change, None)


Action = Start | Complete | Cancel | Delegate | Reschedule | SetPriority


def one_action(choices: dict[str, Callable[[], Action] | None]) -> Action:
    """The one action a call gives, from its choices by API field name (None: not given);
    an action's own input is read only once it is known to be the one."""
    given = [make for make in choices.values() if make is not None]
    if len(given) != 1:
        raise ValidationFailed(
            "input",
            f"Give exactly one action of {', '.join(choices)}; {len(given)} given.",
            code=ValidationCode.INVALID_COMBINATION,
        )
    return given[0]()


def check_batch(count: int) -> None:
    """At most MAX_IDS ids a call, counted as given; checked before anything is read."""
    if count > MAX_IDS:
        raise ValidationFailed(
            "ids", f"{count} ids given; at most {MAX_IDS} a call.", code=ValidationCode.TOO_MANY
        )


async def bulk_update(
    caller: Caller, ids: list[str], action: Action, decode: Callable[[str], int]
) -> list[Outcome]:
    """Applies the action to each id in order, one transaction per follow-up, and answers
    once per distinct id as given (`decode` reads one, or raises ValidationFailed). A
    follow-up given under two spellings of its id is changed once and answered for the first.

    Where the single change would refuse every id for the same reason (e.g. an assignee who
    is not here), each id gets that error and nothing is changed.
    """
    check_batch(len(ids))
    keys: dict[str, int | ValidationFailed] = {}
    for given in dict.fromkeys(ids):
        try:
            keys[given] = decode(given)
        except ValidationFailed as error:
            keys[given] = error
    first_spelling: dict[int, str] = {}
    for given, key in keys.items():
        if isinstance(key, int):
            first_spelling.setdefault(key, given)
    applied = await _apply(caller, list(first_spelling), action)
    outcomes = []
    for given, key in keys.items():
        if isinstance(key, ValidationFailed):
            outcomes.append(Outcome(given, error=key))
        elif first_spelling[key] == given:
            follow_up, refusal = applied[key]
            outcomes.append(Outcome(given, follow_up, refusal))
    return outcomes


async def _apply(
    caller: Caller, ids: list[int], action: Action
) -> dict[int, tuple[FollowUp | None, DomainError | None]]:
    try:
        run = await action.prepare(caller)
    except DomainError as error:
        return {pk: (None, error) for pk in ids}
    found = await visible_follow_ups(caller).filter(id__in=ids).values_list("id", flat=True)
    visible = set(cast(list[int], found))  # tortoise types flat values as tuples
    results: dict[int, tuple[FollowUp | None, DomainError | None]] = {}
    for pk in ids:
        if pk not in visible:
            results[pk] = (None, NotFound(f"Follow-up {pk} was not found."))
            continue
        try:
            results[pk] = (await run(caller, pk), None)
        except DomainError as error:
            results[pk] = (None, error)
    return results
