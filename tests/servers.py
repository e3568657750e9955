"""Helpers for the tests that start real servers (slapd, nginx, gunicorn): a free loopback port
picked at run time, a wait until the server answers, and a stop that always happens.

A tool that is missing skips its tests on a developer's machine and fails them where the
environment asks for it (JIFEN_REQUIRE_LDAP, JIFEN_REQUIRE_NGINX: CI sets both), as
JIFEN_REQUIRE_BROWSER does for chromium."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


def require(tool: str, package: str, flag: str) -> str:
    """The path of `tool`, or a skip (a failure when the environment variable `flag` is 1)."""
    path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")
    if path:
        return path
    reason = f"{tool} not installed: apt-get install {package}"
    if os.environ.get(flag) == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Wait until something accepts connections on the port; fail with the server's log if it
    exits or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{process.args[0]} did not answer on port {port}:\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def stop(process: subprocess.Popen, seconds: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not stopped in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
