"""Run the same work in many threads at once, each on its own database connection.

A sequential test proves nothing about a race: these start every worker at a barrier so that
their transactions really overlap, on PostgreSQL as on SQLite.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None


def run_parallel(workers: list[Callable[[], object]], *, timeout: float = 60) -> list[Outcome]:
    """Start every callable at the same moment in its own thread; return what each returned or
    raised, in order. Each thread closes its database connection when it is done."""
    barrier = threading.Barrier(len(workers))
    outcomes = [Outcome() for _ in workers]

    def run(index: int, work: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index].value = work()
        except BaseException as error:  # reported to the test, which asserts on it
            outcomes[index].error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker did not finish"
    return outcomes


class Background:
    """One piece of work started in its own thread while the test's own transaction holds a
    lock it needs; `join` waits for it and returns its Outcome."""

    def __init__(self, work: Callable[[], object]):
        self.outcome = Outcome()
        self.thread = threading.Thread(target=self._run, args=(work,))
        self.thread.start()

    def _run(self, work: Callable[[], object]) -> None:
        try:
            self.outcome.value = work()
        except BaseException as error:  # reported to the test, which asserts on it
            self.outcome.error = error
        finally:
            connections.close_all()

    def join(self, timeout: float = 60) -> Outcome:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the work did not finish"
        return self.outcome


def same_work(count: int, work: Callable[[int], object]) -> list[Callable[[], object]]:
    return [lambda i=i: work(i) for i in range(count)]
