"""The fund report (资金报表): per account and period, opening + in − out = closing, the daily
figures behind the chart, and the same as an Excel sheet. Figures come from the journal only,
dated by `occurred_on` (the business date), so a back-dated entry lands in its own day."""

from datetime import date

from crm_core import audit, clock, exports
from crm_core.payments import repository, rules
from crm_core.payments.errors import PeriodInvalidError
from crm_core.payments.models import FundAccount
from crm_core.payments.schemas import AccountSummary, DayFigure, FundReport
from crm_core.permissions import Principal

KIND_LABELS = {"bank": "银行", "cash": "现金", "wechat": "微信支付", "alipay": "支付宝"}


def period(start: date | None, end: date | None) -> tuple[date, date]:
    today = clock.local_now().date()
    return start or today.replace(day=1), end or today


async def fund_report(start: date, end: date, account_id: int | None = None) -> FundReport:
    if not rules.period_ok(start, end):
        raise PeriodInvalidError(field="date_to")
    query = FundAccount.all() if account_id is None else FundAccount.filter(id=account_id)
    accounts = await query.order_by("id")
    wanted = {a.id for a in accounts}
    before = await repository.sums_before(start)
    rows = [r for r in await repository.period_rows(start, end) if r[0] in wanted]
    summaries = [
        _summary(a, before.get(a.id, 0), [v for acc, _, v in rows if acc == a.id]) for a in accounts
    ]
    opening = sum(s.opening_fen for s in summaries)
    total = AccountSummary(
        account_id=0,
        account_name="合计",
        kind=None,
        opening_fen=opening,
        in_fen=sum(s.in_fen for s in summaries),
        out_fen=sum(s.out_fen for s in summaries),
        closing_fen=sum(s.closing_fen for s in summaries),
    )
    figures, balance = [], opening
    for day in rules.days(start, end):
        _, money_in, money_out, balance = rules.summarise(
            balance, [v for _, d, v in rows if d == day]
        )
        figures.append(DayFigure(day=day, in_fen=money_in, out_fen=money_out, closing_fen=balance))
    return FundReport(date_from=start, date_to=end, accounts=summaries, total=total, days=figures)


def _summary(account: FundAccount, opening: int, amounts: list[int]) -> AccountSummary:
    opening, money_in, money_out, closing = rules.summarise(opening, amounts)
    return AccountSummary(
        account_id=account.id,
        account_name=account.name,
        kind=account.kind,
        opening_fen=opening,
        in_fen=money_in,
        out_fen=money_out,
        closing_fen=closing,
    )


async def export_report(principal: Principal, start: date, end: date) -> bytes:
    report = await fund_report(start, end)
    rows = [
        (
            s.account_name,
            KIND_LABELS.get(s.kind or "", ""),
            rules.yuan(s.opening_fen),
            rules.yuan(s.in_fen),
            rules.yuan(s.out_fen),
            rules.yuan(s.closing_fen),
        )
        for s in [*report.accounts, report.total]
    ]
    await audit.record(
        audit.actor_of(principal),
        "payments.report_exported",
        target_type="fund_report",
        after={"date_from": start.isoformat(), "date_to": end.isoformat()},
    )
    header = ("账户", "类型", "期初余额（元）", "收入（元）", "支出（元）", "期末余额（元）")
    return exports.to_xlsx(header, rows)
