"""Writes on volunteer tasks, one module per concern: who publishes, what a task says,
publishing (one task or a recurring series), changes (the task's fields and its check-in
code) and cancellation. A change that matters to volunteers (time, place, what to bring,
contact) and a cancellation notify everyone holding or waiting for a slot."""

from bastion.volunteers.services.tasks.cancellation import (
    series_cancel,
    task_cancel,
)
from bastion.volunteers.services.tasks.changes import (
    NOTIFIED_FIELDS,
    checkin_code_rotate,
    task_contact_phone,
    task_update,
)
from bastion.volunteers.services.tasks.fields import (
    MAX_OCCURRENCES,
    MAX_SKILLS,
    MAX_SLOTS,
    MAX_TASK_HOURS,
    TaskInput,
)
from bastion.volunteers.services.tasks.publishers import (
    Publisher,
    can_publish_anywhere,
    publisher_check,
)
from bastion.volunteers.services.tasks.publishing import (
    series_occurrences,
    series_publish,
    task_publish,
)

__all__ = [
    "MAX_SLOTS",
    "MAX_OCCURRENCES",
    "MAX_TASK_HOURS",
    "MAX_SKILLS",
    "NOTIFIED_FIELDS",
    "TaskInput",
    "Publisher",
    "publisher_check",
    "can_publish_anywhere",
    "task_publish",
    "series_occurrences",
    "series_publish",
    "task_contact_phone",
    "task_update",
    "task_cancel",
    "series_cancel",
    "checkin_code_rotate",
]
