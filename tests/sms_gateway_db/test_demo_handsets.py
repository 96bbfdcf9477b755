"""The demo's handset page shows what the simulated network delivered (the code a member reads)."""

import httpx

from scrm.demo_sms import serve_handsets
from sms_gateway.models import SmsStatus
from sms_gateway.service.verification import issue_code
from tests.sms_gateway_db.test_daemon import reach


async def test_handset_page_shows_the_verification_code(sim_factory, daemon_factory):
    sim = sim_factory()
    await daemon_factory(sim)
    server = serve_handsets([sim], port=0)
    try:
        issued = await issue_code("13800138000", purpose="card")
        await reach(issued.message_id, SmsStatus.SENT, SmsStatus.DELIVERED)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        async with httpx.AsyncClient() as http:
            mine = (await http.get(f"{base}/sms", params={"to": "13800138000"})).json()
            others = (await http.get(f"{base}/sms", params={"to": "13900000000"})).json()
            bad = (await http.get(f"{base}/sms", params={"to": "abc"})).json()
            page = (await http.get(f"{base}/")).text
        assert [row["to"] for row in mine] == ["+8613800138000"]
        assert mine[0]["text"].startswith("【示例商城】您的验证码是")
        assert (others, bad) == ([], [])
        assert mine[0]["text"] in page
    finally:
        server.shutdown()
        server.server_close()
