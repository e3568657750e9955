"""Every user-facing string must have a Chinese translation.

makemessages runs on a copy of the package so that the check sees the strings as they are in the
code right now, without touching the committed catalogues.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent


def test_every_message_has_a_chinese_translation(tmp_path):
    shutil.copytree(
        REPO / "jifen", tmp_path / "jifen", ignore=shutil.ignore_patterns("__pycache__", "vendor")
    )
    shutil.copy(REPO / "manage.py", tmp_path)
    # manage.py puts its own directory first on sys.path, so the copy's settings and
    # LOCALE_PATHS are the ones in use and the repository's catalogues stay untouched.
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        check=True,
    )

    catalogue = polib.pofile(str(tmp_path / "jifen/locale/zh_Hans/LC_MESSAGES/django.po"))
    missing = catalogue.untranslated_entries() + catalogue.fuzzy_entries()
    assert not missing, "Untranslated or fuzzy zh_Hans messages:\n" + "\n".join(
        f"  {entry.msgid!r} ({', '.join(f'{path}:{line}' for path, line in entry.occurrences)})"
        for entry in missing
    )
