"""The daily sweep is a registered Celery task on the beat schedule; its body sweeps."""

from datetime import timedelta

from crm_core import clock
from crm_core.customers.models import Customer
from crm_core.customers.pool.tasks import sweep_pool
from scrm.schedule import BEAT_SCHEDULE
from scrm.tasks import register_all
from tests.crm_core.customers.factories import make_customer, make_team
from tests.crm_core.customers.pool.helpers import set_rule


def test_the_sweep_is_scheduled_daily_and_registered() -> None:
    from crm_core.celery import app

    register_all()
    entry = BEAT_SCHEDULE["customers-sweep-pool"]
    assert entry["task"] == "customers.sweep_pool"
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {0})


async def test_the_task_body_sweeps_everyone() -> None:
    team = await make_team()
    clock._frozen = clock.utc_now() - timedelta(days=31)
    await make_customer(team.rep, "华东的", "13800138001", level="a")
    await make_customer(team.far, "华南的", "13800138002", level="a")
    clock._frozen = None
    await set_rule("a", 30)
    assert await sweep_pool() == {"recycled": 2, "reminded": 0}
    assert await Customer.filter(owner_id=None).count() == 2
    assert await sweep_pool() == {"recycled": 0, "reminded": 0}
