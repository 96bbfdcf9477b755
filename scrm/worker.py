"""Celery application for `scrm worker` / `scrm beat`, wired to the configured servers."""

from celery import Celery

from crm_core import celery as celery_kernel
from crm_core.config import get_settings
from scrm import schedule, tasks, wiring


def celery_app() -> Celery:
    urls = wiring.resolve_urls(get_settings())
    app = celery_kernel.configure(
        urls.broker, boot=lambda: wiring.boot(urls), shutdown=wiring.shutdown
    )
    app.conf.beat_schedule = schedule.BEAT_SCHEDULE
    tasks.register_all()
    return app
