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


class Background:
    """One piece of work in its own thread, on its own database connection: started at once,
    or at `barrier` with the others. `join` waits for it and returns its Outcome."""

    def __init__(self, work: Callable[[], object], barrier: threading.Barrier | None = None):
        self.outcome = Outcome()
        self.thread = threading.Thread(target=self._run, args=(work, barrier))
        self.thread.start()

    def _run(self, work: Callable[[], object], barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait()  # its own timeout, given when it was made
            self.outcome.value = work()
        except BaseException as error:  # reported to the test, which asserts on it
            self.outcome.error = error
        finally:
            connections.close_all()

    def join(self, timeout: float = 60) -> Outcome:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "a worker did not finish"
        return self.outcome


def run_parallel(workers: list[Callable[[], object]], *, timeout: float = 60) -> list[Outcome]:
    """Start every callable at the same moment in its own thread; return what each returned or
    raised, in order. Each thread closes its database connection when it is done."""
    barrier = threading.Barrier(len(workers), timeout=timeout)
    started = [Background(work, barrier) for work in workers]
    return [background.join(timeout) for background in started]


def same_work(count: int, work: Callable[[int], object]) -> list[Callable[[], object]]:
    return [lambda i=i: work(i) for i in range(count)]
