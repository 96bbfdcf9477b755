"""Pure decisions of the gateway: report matching (gsm.md §3.6), error classes (§1.6), opt-out
replies, sending hours and message composition (§5)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from sms_gateway import errors
from sms_gateway.pdu import StatusReport, normalize_cn_msisdn

REPORT_WINDOW = timedelta(seconds=600)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class SentPart:
    """What is kept per part when ``+CMGS: <mr>`` arrives; ``modem`` is the SIM's IMSI."""

    modem: str
    message_reference: int
    recipient: str
    submitted_at: datetime
    part_id: int


def match_status_report(
    modem: str,
    report: StatusReport,
    sent: Iterable[SentPart],
    *,
    window: timedelta = REPORT_WINDOW,
) -> SentPart | None:
    """The newest part with the same (modem, MR, recipient) submitted within ``window`` of the
    report's SCTS. MR is 8-bit and wraps every 256 parts, so MR alone is never enough."""
    recipient = normalize_cn_msisdn(report.recipient)
    candidates = [
        part
        for part in sent
        if part.modem == modem
        and part.message_reference == report.message_reference
        and normalize_cn_msisdn(part.recipient) == recipient
        and abs(report.timestamp - part.submitted_at) < window
    ]
    return max(candidates, key=lambda part: part.submitted_at, default=None)


class ErrorClass(StrEnum):
    PERMANENT = "permanent"
    TRANSIENT = "transient"
    MODEM = "modem"
    BUG = "bug"


_CMS_CLASSES: dict[ErrorClass, frozenset[int]] = {
    ErrorClass.PERMANENT: frozenset({1, 10, 21, 27, 28, 29, 30}),
    ErrorClass.TRANSIENT: frozenset({38, 41, 42, 47, 314, 331, 332, 500}),
    ErrorClass.MODEM: frozenset({8, 50, 69, 300, 310, 311, 313, 316, 330}),
    ErrorClass.BUG: frozenset({96, 97, 98, 99, 111, 302, 303, 304, 305}),
}


def classify_cms(code: int | None) -> ErrorClass:
    """Retry class of a ``+CMS ERROR`` code; unknown and vendor codes (512+) count as transient."""
    for error_class, codes in _CMS_CLASSES.items():
        if code in codes:
            return error_class
    return ErrorClass.TRANSIENT


# Opt-out replies (gsm.md §1.5, §5): compared after NFKC (full-width Ｔ → T), upper-casing and
# dropping spaces and punctuation, so "t", " TD ", "Ｔ" and "退订。" all count.
OPT_OUT_WORDS = frozenset(
    {
        "T",
        "TD",
        "R",
        "N",
        "QXDY",
        "TUIDING",
        "退订",
        "退定",
        "退",
        "拒收",
        "取消",
        "取消订阅",
        "T退订",
        "TD退订",
    }
)


def is_opt_out(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).upper()
    compact = "".join(c for c in folded if not (c.isspace() or unicodedata.category(c)[0] == "P"))
    return compact in OPT_OUT_WORDS


def parse_clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def within_hours(moment: datetime, start: str, end: str, zone: tzinfo = SHANGHAI) -> bool:
    local = moment.astimezone(zone).time()
    opens, closes = parse_clock(start), parse_clock(end)
    if opens <= closes:
        return opens <= local < closes
    return local >= opens or local < closes


def next_sending_time(moment: datetime, start: str, end: str, zone: tzinfo = SHANGHAI) -> datetime:
    """``moment`` itself inside the marketing window, else the window's next opening (aware UTC)."""
    if within_hours(moment, start, end, zone):
        return moment
    local = moment.astimezone(zone)
    opening = datetime.combine(local.date(), parse_clock(start), tzinfo=zone)
    if opening <= local:
        opening += timedelta(days=1)
    return opening.astimezone(UTC)


def composition(
    text: str, *, marketing: bool, signature: str, opt_out_suffix: str
) -> tuple[str, str, str]:
    """(what goes before, the text, what goes after): every SMS carries the brand's
    【signature】; marketing also the opt-out line (MIIT 2015)."""
    body = text.strip()
    prefix = f"【{signature}】" if signature and not body.startswith("【") else ""
    marketing_suffix = marketing and opt_out_suffix and "退订" not in prefix + body
    return prefix, body, opt_out_suffix if marketing_suffix else ""


def compose_text(text: str, *, marketing: bool, signature: str, opt_out_suffix: str) -> str:
    return "".join(
        composition(text, marketing=marketing, signature=signature, opt_out_suffix=opt_out_suffix)
    )


SENSITIVE_PURPOSES = frozenset({"verification_code"})


def is_sensitive(purpose: str) -> bool:
    """Messages whose text is a secret (codes): masked at rest, only the PDU carries it, sealed."""
    return purpose in SENSITIVE_PURPOSES


def mask_codes(text: str) -> str:
    return re.sub(r"\d{4,8}", lambda m: "*" * len(m.group()), text)


def retry_delay(attempts: int, backoff: list[int]) -> int:
    """Seconds before retry number ``attempts`` (1-based); the last step repeats."""
    return backoff[min(attempts, len(backoff)) - 1] if backoff else 0


def message_status(part_statuses: Iterable[str]) -> str:
    """A message is as far as its slowest part; one unknown or failed part decides it (unknown
    first: the parts after an unknown one are never sent, but the unknown one may have been)."""
    statuses = set(part_statuses)
    for decisive in ("unknown", "failed"):
        if decisive in statuses:
            return decisive
    if statuses == {"delivered"}:
        return "delivered"
    if statuses <= {"sent", "delivered"}:
        return "sent"
    return "sending" if statuses & {"sent", "delivered", "sending"} else "queued"


def port_key(url: str) -> str:
    """The identity of a modem whose IMSI was never read (no SIM, no answer, no port)."""
    key = f"port:{url}"
    return key if len(key) <= 32 else "port:" + hashlib.sha256(url.encode()).hexdigest()[:27]


_SIM_STATES = {
    "SIM PIN": "SIM 卡需要 PIN 码：请在短信设置中配置 PIN",
    "SIM PUK": "SIM 卡已被锁定，需要 PUK 码解锁",
    "SIM PIN2": "SIM 卡需要 PIN2 码",
    "SIM PUK2": "SIM 卡需要 PUK2 码解锁",
}


def explain_modem_failure(exc: BaseException, url: str) -> str:
    """Why a modem could not be brought up, in Chinese for the console's modem list."""
    detail = getattr(exc, "detail", "") or str(exc)
    if isinstance(exc, errors.SimNotReadyError):
        if detail == "PIN rejected":
            return "SIM 卡 PIN 码错误（只尝试一次，以免锁卡）"
        state = detail.removeprefix("SIM state ").upper()
        return _SIM_STATES.get(state, "未检测到 SIM 卡或 SIM 卡故障（检查 SIM 卡是否插好）")
    if isinstance(exc, errors.ModemDisconnectedError | OSError):
        cause = exc.__cause__ if isinstance(exc, errors.ModemDisconnectedError) else exc
        text = f"{cause} {detail}"
        if isinstance(cause, FileNotFoundError) or "No such file" in text:
            return f"串口不存在：{url}（检查设备路径和 USB 连接）"
        if isinstance(cause, PermissionError) or "Permission denied" in text:
            return f"没有权限打开串口：{url}（检查运行用户是否在 dialout 组）"
        if "busy" in text.lower():
            return f"串口被其他程序占用：{url}"
        return f"无法打开串口 {url}：{detail}"
    if isinstance(exc, errors.ModemDownError):
        return "模块无应答：发送 AT 没有回复（检查供电、波特率和串口接线）"
    if isinstance(exc, errors.AtTimeoutError):
        return f"模块响应超时（{exc.command or detail}）"
    if isinstance(exc, errors.CmeError | errors.CmsError):
        return f"模块初始化出错：{exc.raw}"
    return f"模块初始化失败：{detail}"
