"""A task as the to-do lists and reminders show it. Every app that has tasks for someone (the
year's cycle, activities) builds these; jifen.cycle.selectors.todo_for gathers them."""

import datetime
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Todo:
    """One task and the page where it is done. `task` names the task; its reminder's `key`
    adds the stage of the deadline, so that a task is reminded when it appears, once more when
    its deadline is near and once more when it is overdue."""

    task: str
    text: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False
    soon: bool = False

    @property
    def key(self) -> str:
        stage = "overdue" if self.overdue else "soon" if self.soon else "due"
        return f"{self.task}:{stage}"


def todo(task: str, text: str, url: str, due: datetime.date | None, today) -> Todo:
    overdue = due is not None and today > due
    soon = (
        due is not None
        and not overdue
        and (due - today).days <= settings.JIFEN_REMINDER_DAYS_BEFORE
    )
    return Todo(task, text, url, due, overdue, soon)
