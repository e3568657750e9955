"""The worker as a process of its own, killed with SIGKILL in the middle of a job: the job does
not stay "running" for ever. Its lease runs out, another worker runs it again; killed a second
time, it fails with a message on the job page."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jifen.exchange import services
from jifen.exchange.enums import JobState
from jifen.exchange.models import Job
from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    """The test database, for the worker processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _worker(log: Path, *command: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "jifen.settings",
        # A job that reports nothing for a second has lost its worker.
        "JIFEN_JOB_LEASE_SECONDS": "1",
        # Files go where this test reads them.
        "JIFEN_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    with log.open("a") as output:
        return subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def _slow_worker(log: Path) -> subprocess.Popen:
    return _worker(
        log,
        "-m",
        "tests.exchange.slow_worker",
        "--interval",
        "0.1",
        "--housekeeping-interval",
        "0.2",
    )


def _wait_for(what: str, condition, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout} s; the workers wrote:\n{log.read_text()}")
        time.sleep(0.05)


def _job(pk) -> Job:
    return Job.objects.get(pk=pk)


def _kill_mid_run(worker: subprocess.Popen, job: Job, attempt: int, log: Path) -> None:
    def running() -> bool:
        now = _job(job.pk)
        return now.state == JobState.RUNNING and now.attempts == attempt and now.done_rows >= 3

    _wait_for(f"attempt {attempt} running", running, log)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    left = _job(job.pk)
    assert (left.state, left.attempts) == (JobState.RUNNING, attempt)
    assert left.done_rows < left.total_rows


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_job_is_retried_once_then_failed(client, world, tmp_path):
    for n in range(40):
        MemberFactory(name=f"党员{n:02d}", branch=world.branch)
    job = services.export_job_create(
        actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
    )
    log = tmp_path / "workers.log"
    workers = []
    try:
        workers.append(_slow_worker(log))
        _kill_mid_run(workers[-1], job, 1, log)
        # Another worker finds the lease run out and runs the job again.
        workers.append(_slow_worker(log))
        _kill_mid_run(workers[-1], job, 2, log)
        _wait_for("lease run out", lambda: _job(job.pk).lease_until < timezone.now(), log)
        workers.append(_worker(log, "manage.py", "run_worker", "--batch", "--no-reload"))
        assert workers[-1].wait(timeout=60) == 0, log.read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    job.refresh_from_db()
    assert (job.state, job.attempts, bool(job.file)) == (JobState.FAILED, 2, False)
    client.force_login(world.admin)
    page = client.get(reverse("exchange:job_detail", args=[job.pk])).content.decode()
    assert "任务两次在完成前中断" in page and "hx-trigger" not in page


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_job_is_finished_by_the_next_worker(world, tmp_path):
    for n in range(40):
        MemberFactory(name=f"党员{n:02d}", branch=world.branch)
    job = services.export_job_create(
        actor=world.admin, export="roster", params={"branch": world.branch.pk, "format": "csv"}
    )
    log = tmp_path / "workers.log"
    workers = [_slow_worker(log)]
    try:
        _kill_mid_run(workers[0], job, 1, log)
        _wait_for("lease run out", lambda: _job(job.pk).lease_until < timezone.now(), log)
        workers.append(_worker(log, "manage.py", "run_worker", "--batch", "--no-reload"))
        assert workers[-1].wait(timeout=60) == 0, log.read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    with job.file.open("rb") as handle:
        lines = handle.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 41  # the header, the 40 members and 张三
