"""`scrm wechat …`: official accounts from the command line (secrets sealed like the console's)."""

from collections.abc import Awaitable, Callable
from typing import Any

import click
from pydantic import ValidationError as PydanticValidationError

from crm_core.audit import Actor
from crm_core.errors import CRMError
from wechat.models import AccountMode
from wechat.schemas import AccountCreate

Runner = Callable[[Callable[[], Awaitable[Any]]], Any]
CLI_ACTOR = Actor(id=None, name="cli")


def build_group(run: Runner) -> click.Group:
    """`run` connects the database and Redis (the composition root owns that)."""

    @click.group("wechat")
    def wechat() -> None:
        """WeChat official accounts."""

    @wechat.command("add-account")
    @click.option("--appid", required=True)
    @click.option("--name", default="", help="Display name; defaults to the appid.")
    @click.option("--secret", required=True, help="AppSecret (stored encrypted).")
    @click.option("--token", required=True, help="Callback Token (stored encrypted).")
    @click.option("--aes-key", default=None, help="EncodingAESKey, 43 characters.")
    @click.option("--mode", type=click.Choice([m.value for m in AccountMode]), default="safe")
    def add_account(
        appid: str, name: str, secret: str, token: str, aes_key: str | None, mode: str
    ) -> None:
        """Add an official account; prints the callback path to configure at WeChat."""
        from wechat.service import accounts

        try:
            data = AccountCreate(
                appid=appid,
                name=name or appid,
                secret=secret,  # type: ignore[arg-type]
                token=token,
                aes_key=aes_key,
                mode=AccountMode(mode),
            )  # type: ignore[arg-type]
            account = run(lambda: accounts.create_account(CLI_ACTOR, data))
        except PydanticValidationError as error:
            raise click.BadParameter("; ".join(e["msg"] for e in error.errors())) from error
        except CRMError as error:
            raise click.ClickException(error.detail) from error
        click.echo(
            f"已添加公众号 {account.name}（{account.appid}），回调地址 {account.callback_path}"
        )

    @wechat.command("list-accounts")
    def list_accounts() -> None:
        """List official accounts (never their secrets)."""
        from wechat.service import accounts

        for account in run(accounts.list_accounts):
            click.echo(f"{account.id}\t{account.appid}\t{account.mode.value}\t{account.name}")

    return wechat
