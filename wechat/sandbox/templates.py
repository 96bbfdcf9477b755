"""The fake's template library (模板消息): what `api_add_template` can add, by short id.

Contents follow WeChat's format, one `{{key.DATA}}` per line; `first` and `remark` are kept
although WeChat stopped displaying them in May 2023 (wechat.md §2.5)."""

from typing import Any

from wechat.sandbox.state import Template, new_id

MAX_TEMPLATES = 25


def _lines(*labelled: str) -> str:
    keywords = [f"{label}：{{{{keyword{n}.DATA}}}}" for n, label in enumerate(labelled, 1)]
    return "\n".join(["{{first.DATA}}", *keywords, "{{remark.DATA}}"])


# short id -> (title, content, example)
LIBRARY: dict[str, tuple[str, str, str]] = {
    "OPENTM207509450": (
        "积分变动提醒",
        _lines("会员姓名", "变动积分", "积分余额"),
        "您的积分发生变动\n会员姓名：张三\n变动积分：+100\n积分余额：1280\n感谢您的支持",
    ),
    "OPENTM400341556": (
        "会员升级通知",
        _lines("会员卡号", "当前等级"),
        "恭喜您升级\n会员卡号：88000001\n当前等级：金卡会员\n更多权益请进入会员中心查看",
    ),
    "OPENTM411462710": (
        "生日祝福提醒",
        _lines("会员姓名", "祝福内容"),
        "亲爱的会员\n会员姓名：张三\n祝福内容：祝您生日快乐\n生日礼已放入您的账户",
    ),
    "OPENTM405646164": (
        "活动通知",
        _lines("活动名称", "活动时间"),
        "您好，有新的活动\n活动名称：双11会员日\n活动时间：11月11日全天\n点击查看详情",
    ),
    "OPENTM204987032": (
        "消费成功通知",
        _lines("消费金额", "消费门店", "消费时间"),
        "您好，您已消费成功\n消费金额：128.00元\n消费门店：上海南京路店\n"
        "消费时间：2024-05-01 12:00\n欢迎再次光临",
    ),
}


def from_library(short_id: str, template_id: str | None = None) -> Template | None:
    found = LIBRARY.get(short_id)
    if found is None:
        return None
    title, content, example = found
    # Real ids are 43 url-safe characters.
    return Template(template_id or new_id("", 32)[:43], title, content, example)


def from_seed(entry: str | dict[str, Any]) -> Template:
    """A seeded template: a bare id (a one-keyword notice), a library short id, or all fields."""
    if isinstance(entry, str):
        return Template(entry, entry, _lines("内容"))
    if "template_id_short" in entry:
        made = from_library(str(entry["template_id_short"]), entry.get("template_id"))
        if made is None:
            raise ValueError(f"unknown template_id_short {entry['template_id_short']}")
        return made
    return Template(**entry)
