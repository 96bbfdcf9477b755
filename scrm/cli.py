"""The `scrm` command: demo, serve, worker, beat, migrate, seed, createsuperuser and friends."""

import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from pydantic import ValidationError as PydanticValidationError

from crm_core.config import get_settings, settings_problem
from crm_core.errors import CRMError
from crm_core.logging import configure_logging
from scrm import wiring
from sms_gateway.cli import modem_sim, sms
from wechat import cli as wechat_cli

T = TypeVar("T")


def _run(work: Callable[[wiring.Urls], Awaitable[T]], *, booted: bool = True) -> T:
    """Run one async job against the configured (or embedded) servers, then disconnect."""
    urls = wiring.resolve_urls(get_settings())

    async def main() -> T:
        if booted:
            await wiring.boot(urls)
        try:
            return await work(urls)
        finally:
            await wiring.shutdown()

    return asyncio.run(main())


@click.group()
def main() -> None:
    """SCRM: social CRM for brands on WeChat."""
    try:
        settings = get_settings()
    except PydanticValidationError as error:
        raise click.ClickException(settings_problem(error)) from None
    configure_logging(json=settings.is_prod)


@main.command()
def migrate() -> None:
    """Apply database migrations and create the built-in roles."""
    _run(wiring.migrate, booted=False)
    click.echo("数据库已迁移到最新版本 / database migrated")


async def _pending_migrations() -> list[str]:
    from tortoise.cli.cli import tortoise_cli_context
    from tortoise.migrations.autodetector import MigrationAutodetector

    async with tortoise_cli_context(wiring.TORTOISE_ORM) as context:
        assert context.apps is not None
        detector = MigrationAutodetector(context.apps, wiring.TORTOISE_ORM["apps"])
        return [f"{writer.app_label}.{writer.name}" for writer in await detector.changes()]


@main.command()
@click.argument("app_labels", nargs=-1)
@click.option("--check", is_flag=True, help="Fail if models have changes without a migration.")
def makemigrations(app_labels: tuple[str, ...], check: bool) -> None:
    """Write migration files for model changes (developers)."""
    from tortoise.cli.cli import run_cli_async

    if check:
        pending = asyncio.run(_pending_migrations())
        if pending:
            raise click.ClickException(f"模型有改动但缺少迁移 / missing migrations: {pending}")
        click.echo("迁移与模型一致 / migrations are in sync")
        return

    code = asyncio.run(
        run_cli_async(["-c", "scrm.wiring.TORTOISE_ORM", "makemigrations", *app_labels])
    )
    sys.exit(code)


@main.command()
@click.option("--username", prompt="登录名 / username")
@click.option("--name", prompt="姓名 / name")
@click.option("--password", default=None, help="Omit to be asked without echo.")
def createsuperuser(username: str, name: str, password: str | None) -> None:
    """Create an administrator account."""
    from crm_core.org.service.staff import create_superuser

    secret = password or getpass.getpass("密码 / password: ")
    try:
        staff = _run(lambda _: create_superuser(username, name, secret))
    except CRMError as error:
        raise click.ClickException(error.detail) from error
    click.echo(f"已创建管理员 {staff.username}（id={staff.id}）")


@main.command()
def seed() -> None:
    """Load the demo data (idempotent)."""
    from scrm.demo_data import seed_demo

    summary = _run(lambda _: seed_demo())
    click.echo(summary)


@main.command("link-members")
@click.option("--override-undo", is_flag=True, help="Also relink pairs staff have unlinked.")
def link_members(override_undo: bool) -> None:
    """Link existing members to the customer with their verified phone (backfill)."""
    from members.customer_links import backfill

    counts = _run(lambda _: backfill(override_undo=override_undo))
    click.echo(" ".join(f"{outcome}={n}" for outcome, n in counts.items()) or "no members")


@main.command()
@click.option(
    "--out", type=click.Path(dir_okay=False), default=None, help="Write here, not stdout."
)
def openapi(out: str | None) -> None:
    """Print the OpenAPI schema the console's typed client is generated from."""
    import json

    from scrm.app import create_app

    text = json.dumps(
        create_app(boot=False).openapi(), ensure_ascii=False, indent=1, sort_keys=True
    )
    if out is None:
        click.echo(text)
        return
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--workers", default=1, type=int)
@click.option("--fd", default=None, type=int, help="Serve on this inherited listening socket.")
def serve(host: str, port: int, workers: int, fd: int | None) -> None:
    """Run the web app (REST API, console, H5, WeChat callback) with uvicorn."""
    import signal

    import uvicorn

    wiring.resolve_urls(get_settings())
    # uvicorn re-raises SIGTERM after its graceful shutdown, which would skip the atexit hooks
    # that stop the embedded servers this process started: exit normally instead.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        "scrm.asgi:app",
        host=host,
        port=port,
        fd=fd,
        workers=workers,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )


@main.command()
@click.option("--concurrency", default=2, type=int)
@click.option("--pool", default="prefork", type=click.Choice(["prefork", "solo", "threads"]))
def worker(concurrency: int, pool: str) -> None:
    """Run a Celery worker (one event loop per worker process)."""
    from scrm.worker import celery_app

    wiring.resolve_urls(get_settings())
    celery_app().worker_main(
        [
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@main.command()
def beat() -> None:
    """Run Celery beat (the schedules of scrm/schedule.py)."""
    from scrm.worker import celery_app

    settings = get_settings()
    wiring.resolve_urls(settings)
    schedule_file = settings.var_dir / "celerybeat-schedule"
    schedule_file.parent.mkdir(parents=True, exist_ok=True)
    celery_app().start(["beat", "--loglevel=INFO", f"--schedule={schedule_file}"])


@main.command()
@click.option("--port", default=8000, type=click.IntRange(0, 65535), help="0: any free port.")
@click.option("--no-worker", is_flag=True, help="Do not start the Celery worker and beat.")
def demo(port: int, no_worker: bool) -> None:
    """Migrate, seed and run everything on the embedded default; Ctrl-C stops all of it.
    The WeChat sandbox and the handset page listen on PORT+900 and PORT+790 (else free ports)."""
    from scrm.demo import PortInUseError, run_demo

    os.environ.setdefault("SCRM_ENV", "dev")  # noqa: TID251
    try:
        code = run_demo(port=port, with_worker=not no_worker)
    except PortInUseError as error:
        raise click.ClickException(str(error)) from error
    sys.exit(code)


@main.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the audit chain; exit 1 naming the first row that does not match."""
    from crm_core import audit

    rows, broken = _run(lambda _: audit.check_chain())
    if broken is not None:
        click.echo(
            f"审计日志被篡改：第一处不符的记录 id={broken} / audit chain broken at id={broken}"
        )
        sys.exit(1)
    click.echo(f"审计日志完整：{rows} 条记录 / audit chain intact: {rows} rows")


@sms.command("send")
@click.option("--to", "recipient", required=True, help="Recipient, e.g. 13800138000.")
@click.option("--marketing", is_flag=True, help="Marketing: needs consent, keeps sending hours.")
@click.argument("text")
def sms_send(recipient: str, marketing: bool, text: str) -> None:
    """Queue an SMS; a running `scrm modem-daemon` sends it."""
    from sms_gateway.models import MessageKind
    from sms_gateway.service.messages import send_message

    kind = MessageKind.MARKETING if marketing else MessageKind.TRANSACTIONAL
    try:
        message = _run(lambda _: send_message(recipient, text, kind=kind))
    except CRMError as error:
        raise click.ClickException(f"{error.code}: {error.detail}") from error
    click.echo(
        f"已排队 / queued: id={message.id} to={message.recipient} "
        f"parts={message.part_count} not_before={message.not_before.isoformat()}"
    )


@main.command("modem-daemon")
@click.option(
    "--port",
    required=True,
    help="pyserial URL: /dev/ttyUSB0, /dev/serial/by-id/…, socket://host:port",
)
def modem_daemon(port: str) -> None:
    """Own one modem port: send queued SMS, store replies and reports; Ctrl-C stops it."""
    import signal

    from sms_gateway.daemon import ModemDaemon

    async def work(_: wiring.Urls) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        click.echo(f"短信模块守护进程已启动 / modem daemon on {port}")
        await ModemDaemon(port, get_settings().sms).run(stop)

    _run(work)


main.add_command(sms)
main.add_command(modem_sim)
main.add_command(wechat_cli.build_group(lambda work: _run(lambda _: work())))


def register(command: click.Command) -> None:
    main.add_command(command)


if __name__ == "__main__":
    main()
