"""Signals for the apps above: the cycle hears a closed general meeting (it reports the answers
to objections given before it), without this app knowing the cycle."""

from django.dispatch import Signal

# Sent inside the closing's transaction, with `activity`.
activity_closed = Signal()
