"""State changes of the administration pages that belong to no lower app."""

from django.db import IntegrityError, transaction

from jifen.audit.services import log_action
from jifen.orgadmin.models import OpenedAccountSheet


def account_sheet_open(*, actor, nonce: str, accounts: int) -> bool:
    """Mark the sealed list `nonce` as opened by `actor`, with an audit record; False when it
    was opened before. Of two downloads at once the unique nonce lets one through: the other
    waits for it and then finds the row."""
    try:
        with transaction.atomic():
            sheet = OpenedAccountSheet.objects.create(nonce=nonce, opened_by=actor)
            log_action("orgadmin.account_sheet.opened", actor=actor, obj=sheet, accounts=accounts)
    except IntegrityError:
        return False
    return True
