"""What the schemes tell the apps above them, without knowing them: jifen.ledger keeps its
standings current from these."""

from django.dispatch import Signal

# Sent inside the transaction that creates a scheme or changes its numbers (base, caps,
# divisor, exempt categories). Arguments: organisation, year.
scheme_changed = Signal()
