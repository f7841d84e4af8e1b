"""The API's heap policy: survivors of a full collection are frozen, and the periodic
collection still frees garbage that was frozen while it was alive."""

import asyncio
import gc
import weakref

import pytest

from runtime import heap


class Node:
    def __init__(self) -> None:
        self.partner: Node | None = None


def _cycle() -> tuple[weakref.ref[Node], list[Node]]:
    first, second = Node(), Node()
    first.partner, second.partner = second, first
    return weakref.ref(first), [first]


@pytest.fixture
def tidy_heap() -> object:
    """keep_tidy running with a long interval; stopped (and the heap unfrozen) after."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    task = loop.create_task(heap.keep_tidy(stop, interval_seconds=3600))
    loop.run_until_complete(asyncio.sleep(0))
    yield
    loop.call_soon(stop.set)
    loop.run_until_complete(task)
    loop.close()


@pytest.mark.usefixtures("tidy_heap")
def test_a_full_collection_freezes_what_survives_it() -> None:
    alive, holder = _cycle()
    gc.collect()
    assert gc.get_freeze_count() > 0
    holder.clear()  # garbage now, held only by its own cycle
    gc.collect(0)
    gc.collect(1)
    assert alive() is not None, "young collections leave the frozen heap alone"


@pytest.mark.usefixtures("tidy_heap")
def test_the_periodic_full_collection_frees_frozen_garbage() -> None:
    alive, holder = _cycle()
    gc.collect()  # frozen now
    holder.clear()
    assert alive() is not None
    assert heap.full_collection() >= 2
    assert alive() is None


def test_stopping_unfreezes_the_heap_and_collects_normally_again() -> None:
    stop = asyncio.Event()

    async def run_then_stop() -> int:
        task = asyncio.create_task(heap.keep_tidy(stop, interval_seconds=3600))
        await asyncio.sleep(0)
        frozen = gc.get_freeze_count()
        stop.set()
        await task
        return frozen

    assert asyncio.run(run_then_stop()) > 0
    assert gc.get_freeze_count() == 0
    alive, holder = _cycle()
    gc.collect()
    holder.clear()
    gc.collect()
    assert alive() is None


def test_two_apps_in_one_process_keep_the_policy_until_the_last_stops() -> None:
    first_stop, second_stop = asyncio.Event(), asyncio.Event()

    async def overlap() -> int:
        first = asyncio.create_task(heap.keep_tidy(first_stop, interval_seconds=3600))
        second = asyncio.create_task(heap.keep_tidy(second_stop, interval_seconds=3600))
        await asyncio.sleep(0)
        first_stop.set()
        await first
        gc.unfreeze()
        gc.collect()  # the second app still freezes what survives
        frozen = gc.get_freeze_count()
        second_stop.set()
        await second
        return frozen

    assert asyncio.run(overlap()) > 0
    gc.collect()
    assert gc.get_freeze_count() == 0
