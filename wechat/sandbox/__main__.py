"""`python -m wechat.sandbox --port 8900 --demo`: serve the sandbox on its own."""

import click

from wechat.sandbox.app import run_sandbox

DEMO_APP = {
    "appid": "wxdemo0000000001",
    "secret": "demo-secret",
    "token": "demotoken",
    "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "mode": "safe",
    "name": "演示品牌服务号",
}
# The demo account's private templates, with fixed ids so a demo restart keeps care settings valid.
DEMO_TEMPLATES = [
    {"template_id_short": short, "template_id": f"demo-{short.lower()}"}
    for short in ("OPENTM207509450", "OPENTM400341556", "OPENTM411462710", "OPENTM204987032")
]
# The demo's WeChat Pay merchant (scrm/demo_wechat.py configures the same one in the CRM).
DEMO_MERCHANT = {
    "mch_id": "1900000109",
    "api_key": "demo-pay-api-key-32-characters00",
    "appids": [DEMO_APP["appid"]],
    "balance_fen": 10_000_000,
}


@click.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8900, type=int)
@click.option("--webhook", default=None, help="Callback URL of the demo account.")
@click.option("--demo/--empty", default=True, help="Seed one demo account and two users.")
@click.option("--sms-inbox", default=None, help="JSON URL of delivered SMS to show on the phone.")
@click.option("--fd", default=None, type=int, help="Serve on this inherited listening socket.")
def main(
    host: str, port: int, webhook: str | None, demo: bool, sms_inbox: str | None, fd: int | None
) -> None:
    apps = [{**DEMO_APP, "webhook_url": webhook, "templates": DEMO_TEMPLATES}] if demo else []
    users = (
        [
            {"appid": DEMO_APP["appid"], "nickname": "张三"},
            {"appid": DEMO_APP["appid"], "nickname": "李四"},
        ]
        if demo
        else []
    )
    merchants = [DEMO_MERCHANT] if demo else []
    run_sandbox(host, port, fd=fd, apps=apps, users=users, merchants=merchants, sms_inbox=sms_inbox)


if __name__ == "__main__":
    main()
