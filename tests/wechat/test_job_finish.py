"""Job-finish events through the callback: the channel tells campaigns by named jobs."""

import httpx
import pytest

from crm_core import jobs
from tests.wechat.callback_support import event_xml, make_account, post
from wechat import tasks as wechat_tasks
from wechat.models import InboundEvent


async def _process(published: list[jobs.Job]) -> list[str]:
    pending = [j for j in published if j.name == "wechat.process_events"]
    published.clear()
    return [r for job in pending for r in await wechat_tasks.process_events(**job.kwargs)]


@pytest.mark.parametrize(
    ("extra", "outcome", "job"),
    [
        pytest.param(
            "<MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status>",
            "template_finished",
            jobs.Job(
                "campaigns.on_template_finished",
                {"msg_id": 200163836, "status": "failed:user block"},
            ),
            id="template",
        ),
        pytest.param(
            "<MsgID>1000000003</MsgID><Status><![CDATA[send success]]></Status>"
            "<TotalCount>4</TotalCount><FilterCount>3</FilterCount><SentCount>3</SentCount>"
            "<ErrorCount>1</ErrorCount>",
            "mass_finished",
            jobs.Job(
                "campaigns.on_mass_finished",
                {
                    "msg_id": 1000000003,
                    "status": "send success",
                    "total": 4,
                    "filtered": 3,
                    "sent": 3,
                    "errors": 1,
                },
            ),
            id="mass",
        ),
    ],
)
async def test_job_finish_is_handed_to_campaigns(
    client: httpx.AsyncClient,
    published_jobs: list[jobs.Job],
    extra: str,
    outcome: str,
    job: jobs.Job,
) -> None:
    await make_account()
    event = "TEMPLATESENDJOBFINISH" if "Total" not in extra else "MASSSENDJOBFINISH"
    answer = await post(client, event_xml("o_fan", event, extra=extra))
    assert answer.status_code == 200
    assert await _process(published_jobs) == [outcome]
    assert published_jobs == [job]
    # WeChat's retry of the same report is a duplicate: nothing more is told.
    await post(client, event_xml("o_fan", event, extra=extra))
    assert await _process(published_jobs) == []
    assert published_jobs == []
    assert await InboundEvent.all().count() == 1


async def test_a_job_finish_without_a_number_is_only_stored(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    await make_account()
    xml = event_xml(
        "o_fan", "TEMPLATESENDJOBFINISH", extra="<MsgID>x1</MsgID><Status>success</Status>"
    )
    await post(client, xml)
    assert await _process(published_jobs) == ["stored:TEMPLATESENDJOBFINISH"]
    assert published_jobs == []
