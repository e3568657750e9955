"""Put a new key in front of the personal data keys (JIFEN_PERSONAL_DATA_CIPHER's cipher); the
old ones stay to read rows encrypted under them. Once every app server and worker runs with the
new key, `manage.py reencrypt_personal_data` encrypts every row again under it."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jifen.env import new_personal_data_key, personal_data_key_file
from jifen.orgs.encryption import key_id


class Command(BaseCommand):
    help = "Make a new current key for the roster's personal data, keeping the old keys."

    def handle(self, *args, **options):
        key = new_personal_data_key(settings.JIFEN_PERSONAL_DATA_CIPHER)
        if os.environ.get("JIFEN_PERSONAL_DATA_KEY"):
            self.stdout.write(
                _(
                    "The keys come from the environment. On every app server and worker set "
                    "JIFEN_PERSONAL_DATA_KEY to the new key below, add the current one to the "
                    "front of JIFEN_PERSONAL_DATA_RETIRED_KEYS, restart them, then run "
                    "manage.py reencrypt_personal_data."
                )
            )
            self.stdout.write(key)
            return
        path = personal_data_key_file(settings.VAR_DIR)
        old = path.read_text() if path.exists() else ""
        path.write_text(key + "\n" + old)
        path.chmod(0o600)
        self.stdout.write(
            _(
                "New key %(id)s (%(cipher)s) is now first in %(path)s; the old keys stay below "
                "it. Copy the file to every app server and worker, restart them, then run "
                "manage.py reencrypt_personal_data."
            )
            % {"id": key_id(key), "cipher": settings.JIFEN_PERSONAL_DATA_CIPHER, "path": path}
        )
