"""Pure rules of mass campaigns: which channels a plan may use, what its content must hold, and
which states a campaign moves between."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from campaigns.mass.models import CampaignStatus, ChannelPlan
from campaigns.sends.rules import Channel

# WeChat: a text message (customer service, mass) carries at most 2048 bytes of UTF-8.
WECHAT_TEXT_BYTES = 2048
# A long SMS is cut into 67-character UCS-2 parts.
SMS_PART_CHARS = 67
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What `{...}` may name in per-member content (template fields, SMS, customer-service text).
PLACEHOLDERS = ("name", "card_no", "points", "tier")

PLAN_CHANNELS: Mapping[ChannelPlan, frozenset[Channel]] = {
    ChannelPlan.AUTO: frozenset(Channel),
    ChannelPlan.MASS: frozenset({Channel.MASS, Channel.SMS}),
    ChannelPlan.TEMPLATE: frozenset({Channel.TEMPLATE, Channel.SMS}),
    ChannelPlan.CUSTOMER_SERVICE: frozenset({Channel.CUSTOMER_SERVICE, Channel.SMS}),
    ChannelPlan.SMS: frozenset({Channel.SMS}),
}
STARTABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED})
EDITABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED})
CANCELLABLE = frozenset({CampaignStatus.SCHEDULED, CampaignStatus.FREEZING, CampaignStatus.RUNNING})
FINISHED = frozenset({CampaignStatus.DONE, CampaignStatus.CANCELLED, CampaignStatus.FAILED})


@dataclass(frozen=True)
class Content:
    text: str = ""
    msgtype: str = "text"
    media_id: str = ""
    template_id: str = ""
    template_data: Mapping[str, str] | None = None
    sms: str = ""


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def content_problems(
    plan: ChannelPlan, content: Content, *, sms_prefix: str, sms_suffix: str, sms_max_parts: int
) -> list[Problem]:
    """What keeps this content from going out on this plan's channels (empty: fine). A fallback
    channel left empty is allowed; the plan's own channel must have content."""
    problems: list[Problem] = []
    text, sms = content.text.strip(), content.sms.strip()
    wechat = ("text", text) if content.msgtype == "text" else ("media_id", content.media_id)
    need = {
        ChannelPlan.MASS: wechat,
        ChannelPlan.CUSTOMER_SERVICE: wechat,
        ChannelPlan.TEMPLATE: ("template_id", content.template_id),
        ChannelPlan.SMS: ("sms", sms),
    }
    if plan in need and not need[plan][1]:
        problems.append(Problem(need[plan][0], "所选渠道的内容不能为空"))
    if plan is ChannelPlan.AUTO and not (wechat[1] or content.template_id or sms):
        problems.append(Problem("text", "请至少填写一种渠道的内容"))
    if len(text.encode()) > WECHAT_TEXT_BYTES:
        problems.append(Problem("text", f"微信文本最多 {WECHAT_TEXT_BYTES} 字节（约 680 个汉字）"))
    if text and plan in (ChannelPlan.MASS, ChannelPlan.AUTO) and PLACEHOLDER.search(text):
        problems.append(Problem("text", "群发内容对所有人相同，不能使用 {…} 占位符"))
    problems.extend(
        Problem(_field_of(name, content), f"未知的占位符 {{{name}}}")
        for name in unknown_placeholders(text, sms, *(content.template_data or {}).values())
    )
    if sms:
        length = len(sms_prefix) + len(sms) + len(sms_suffix)
        if length > SMS_PART_CHARS * sms_max_parts:
            limit = SMS_PART_CHARS * sms_max_parts - len(sms_prefix) - len(sms_suffix)
            problems.append(
                Problem("sms", f"短信正文最多 {limit} 字（含签名与退订语共 {sms_max_parts} 条）")
            )
    return problems


def unknown_placeholders(*texts: str) -> list[str]:
    found = dict.fromkeys(m.group(1) for t in texts for m in PLACEHOLDER.finditer(t))
    return [name for name in found if name not in PLACEHOLDERS]


def _field_of(name: str, content: Content) -> str:
    if f"{{{name}}}" in content.sms:
        return "sms"
    if f"{{{name}}}" in content.text:
        return "text"
    return "template_data"


def batch_of(position: int, total: int, size: int) -> int:
    """The mass send (0-based) of the `position`-th (0-based) of `total` fans of one account:
    equal batches of at most `size`, so no batch is left with the lone fan WeChat refuses (40130).
    The SQL in repository._NUMBERING (the auto plan's routed rows) computes the same."""
    count = -(-total // size)
    return position * count // total


def progress(counts: Mapping[str, int], recipients: int) -> tuple[int, int]:
    """(finished rows, percent): a row is finished once it is no longer waiting or sending."""
    waiting = sum(counts.get(s, 0) for s in ("queued", "deferred", "sending", "batched"))
    done = max(recipients - waiting, 0)
    return done, (100 * done // recipients) if recipients else 100
