"""Background tasks (django-tasks, run by `manage.py run_worker`). A task receives ids, never
model instances, and calls one service; services enqueue it when their transaction commits."""

from django_tasks import TaskContext, task

from jifen.exchange import services


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> None:
    services.job_run(job_id=job_id, task_id=str(context.task_result.id))
