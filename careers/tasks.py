from celery import shared_task

from careers.selectors import catalogue_summary


@shared_task(name="careers.catalogue_summary", ignore_result=False)
def catalogue_summary_task() -> dict[str, int]:
    """What a worker sees of the catalogue; `manage.py check_worker` sends it to prove that a
    worker consumes tasks and reads the same database."""
    return catalogue_summary()
