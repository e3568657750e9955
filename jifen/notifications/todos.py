"""A task as the to-do lists and reminders show it. Every app that has tasks for someone
(the year's cycle, activities) builds these; jifen.cycle.selectors.todo_for gathers them."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    """One task and the page where it is done. `key` names it for deduplication; an overdue
    task has its own key, so that it is reminded once more when it becomes overdue."""

    key: str
    text: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False


def todo(key: str, text: str, url: str, due: datetime.date | None, today) -> Todo:
    overdue = due is not None and today > due
    return Todo(f"{key}:{'overdue' if overdue else 'due'}", text, url, due, overdue)
