"""`make run` checks its address before it spends a minute migrating and loading the demo."""

import socket
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_port.py"


def check(address: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, SCRIPT, address], capture_output=True, text=True)


def test_a_taken_port_is_refused_with_how_to_choose_another():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = check(f"127.0.0.1:{port}")

    assert result.returncode == 1
    assert f"127.0.0.1:{port} is in use" in result.stderr
    assert f"make run HOST=127.0.0.1:{port + 1}" in result.stderr


def test_a_free_port_passes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert check(f"127.0.0.1:{port}").returncode == 0


def test_a_malformed_address_is_refused():
    result = check("localhost")

    assert result.returncode == 1 and "host:port" in result.stderr
