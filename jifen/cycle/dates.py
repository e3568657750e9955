"""Working days (Monday to Friday) for notice periods and answer deadlines.

Public holidays are not known to the application; a branch that posts a notice over a holiday
sees the period end earlier than the calendar would have it, never later.
"""

import datetime

SATURDAY = 5


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY


def nth_working_day(first: datetime.date, count: int) -> datetime.date:
    """The `count`th working day counting from `first` itself (count ≥ 1)."""
    day = first
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    for _ in range(count - 1):
        day += datetime.timedelta(days=1)
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    return day


def working_days_after(start: datetime.date, count: int) -> datetime.date:
    """The last of `count` working days following `start` (an answer due date)."""
    return nth_working_day(start + datetime.timedelta(days=1), count)


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_months(number: int) -> list[int]:
    first = (number - 1) * 3 + 1
    return [first, first + 1, first + 2]


def quarter_end(year: int, number: int) -> datetime.date:
    """The last day of a quarter's last month."""
    if number == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, number * 3 + 1, 1) - datetime.timedelta(days=1)
