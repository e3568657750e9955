"""The check-in codes an activity shows on screen: a link (as a QR code) and six digits, both
signed for the current minute, so that a photo passed around later no longer works.

Each minute is a step; the code of a step is accepted during that step and the next, so a
code shown a moment before it changes still works when it is typed. Signatures use the
site's secret key and the activity's own key (a code says nothing about another activity).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

STEP_SECONDS = 60
SIGNATURE_LENGTH = 20  # hex digits: 80 bits, far beyond guessing in two minutes
DIGITS = 6


def step_at(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def _mac(activity, purpose: str, step: int) -> str:
    value = f"{activity.pk}:{activity.checkin_key}:{step}"
    return salted_hmac(f"jifen.activities.{purpose}", value, algorithm="sha256").hexdigest()


def signature(activity, step: int) -> str:
    return _mac(activity, "link", step)[:SIGNATURE_LENGTH]


def digits(activity, step: int) -> str:
    return f"{int(_mac(activity, 'digits', step), 16) % 10**DIGITS:0{DIGITS}d}"


@dataclass(frozen=True)
class Code:
    step: int
    signature: str
    digits: str
    changes_at: datetime.datetime


def current(activity, now: datetime.datetime) -> Code:
    step = step_at(now)
    changes_at = datetime.datetime.fromtimestamp((step + 1) * STEP_SECONDS, tz=datetime.UTC)
    return Code(step, signature(activity, step), digits(activity, step), changes_at)


def accepted_steps(now: datetime.datetime) -> tuple[int, int]:
    step = step_at(now)
    return step, step - 1


def signature_valid(activity, step: int, given: str) -> bool:
    return constant_time_compare(signature(activity, step), given)


def digits_valid(activity, now: datetime.datetime, given: str) -> bool:
    return any(constant_time_compare(digits(activity, s), given) for s in accepted_steps(now))


def window(activity) -> tuple[datetime.datetime, datetime.datetime]:
    """When members may check in by phone: from a while before the start to the end."""
    opens = activity.starts_at - datetime.timedelta(minutes=settings.JIFEN_CHECKIN_OPENS_MINUTES)
    return opens, activity.ends_at
