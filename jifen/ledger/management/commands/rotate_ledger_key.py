"""Put a new key in front of the points archive's keys; the old ones stay to verify what they
signed. Every app server and worker must then run with the same keys (copy the file, or set
the environment) and be restarted. The new key is for the keyed digest JIFEN_LEDGER_DIGEST
names (HMAC-SHA-256 or HMAC-SM3): rotating is also how an installation changes its digest."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jifen.env import ledger_key_file, new_ledger_key
from jifen.ledger.keys import key_id


class Command(BaseCommand):
    help = "Make a new current key for the points archive's chain, keeping the old keys."

    def handle(self, *args, **options):
        key = new_ledger_key(settings.JIFEN_LEDGER_DIGEST)
        if os.environ.get("JIFEN_LEDGER_KEY"):
            self.stdout.write(
                _(
                    "The keys come from the environment. On every app server and worker set "
                    "JIFEN_LEDGER_KEY to the new key below, add the current one to the front "
                    "of JIFEN_LEDGER_RETIRED_KEYS, and restart them."
                )
            )
            self.stdout.write(key)
            return
        path = ledger_key_file(settings.VAR_DIR)
        old = path.read_text() if path.exists() else ""
        path.write_text(key + "\n" + old)
        path.chmod(0o600)
        self.stdout.write(
            _(
                "New key %(id)s (%(digest)s) is now first in %(path)s; the old keys stay below "
                "it. Copy the file to every app server and worker and restart them."
            )
            % {"id": key_id(key), "digest": settings.JIFEN_LEDGER_DIGEST.upper(), "path": path}
        )
