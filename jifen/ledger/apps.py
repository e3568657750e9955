from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "jifen.ledger"
    verbose_name = _("Points archive")

    def ready(self):
        from jifen.ledger import standings
        from jifen.orgs.signals import members_changed
        from jifen.schemes.signals import scheme_changed

        # The roster and the schemes sit below the archive: they announce their changes and
        # the standings follow, in the same transaction.
        members_changed.connect(standings.on_members_changed, dispatch_uid="standings-members")
        scheme_changed.connect(standings.on_scheme_changed, dispatch_uid="standings-scheme")
        post_migrate.connect(standings.on_migrated, sender=self, dispatch_uid="standings-migrate")
        from jifen.ledger import checks  # noqa: F401 (registers the checks)
