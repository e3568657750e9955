"""LibreOffice headless in the tests: it stands in for Excel and WPS, saving .xls, .ods and its
own .xlsx, and prints workbooks to PDF as an office would. Without it the tests that need it are
skipped, except in CI (JIFEN_REQUIRE_LIBREOFFICE=1, set by .ci/run), where they fail."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# A conversion under a loaded machine takes seconds; this bounds a hung one.
_TIMEOUT = 300


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "LibreOffice not installed: apt-get install libreoffice-calc-nogui"
    if os.environ.get("JIFEN_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def convert(workdir: Path, files: dict[str, bytes], target: str) -> dict[str, bytes]:
    """Each of `files` (name → content) saved by LibreOffice as `target` ("xls", "ods",
    "xlsx", "pdf"), in one run; by the original name. A profile of its own in `workdir`, so
    that runs beside another LibreOffice (a user's, another test run's) do not share one."""
    program = soffice()
    source = workdir / f"in-{target}"
    out = workdir / f"out-{target}"
    source.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (source / name).write_bytes(content)
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{workdir / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *(str(source / name) for name in files),
        ],
        check=True,
        capture_output=True,
        timeout=_TIMEOUT,
    )
    return {name: (out / f"{Path(name).stem}.{target}").read_bytes() for name in files}
