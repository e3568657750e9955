"""What the roster tells the apps above it, without knowing them (a lower app never imports a
higher one): jifen.ledger keeps its standings current from these."""

from django.dispatch import Signal

# Sent inside the transaction of a change to whether or where members are scored: they were
# added, transferred or left, or their category or exemption changed. Argument: member_ids.
members_changed = Signal()
