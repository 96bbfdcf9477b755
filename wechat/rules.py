"""Pure rules: which auto-reply answers a message, placeholders, menu shape, 48-hour window."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crm_core.org.schemas import StoreRead

CS_WINDOW = timedelta(hours=48)
PLACEHOLDER = re.compile(r"\{(store|guide|channel|account|nickname)\}")
TEMPLATE_FIELD = re.compile(r"\{\{\s*(\w+)\.DATA\s*\}\}")
MENU_TYPES = {
    "click",
    "view",
    "miniprogram",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
}


@dataclass(frozen=True)
class ReplyRule:
    id: int
    kind: str
    match_mode: str
    keyword: str
    priority: int
    reply_type: str
    content: str
    media_id: str = ""
    title: str = ""
    url: str = ""
    picurl: str = ""


def keyword_matches(rule: ReplyRule, text: str) -> bool:
    keywords = [k.strip() for k in rule.keyword.split("|") if k.strip()]
    if rule.match_mode == "regex":
        try:
            return re.search(rule.keyword, text) is not None
        except re.error:
            return False
    if rule.match_mode == "contains":
        return any(k in text for k in keywords)
    return text.strip() in keywords


def choose_text_reply(rules: Sequence[ReplyRule], text: str) -> ReplyRule | None:
    """Highest priority matching keyword rule (ties: oldest first), else the default rule."""
    keyword = sorted((r for r in rules if r.kind == "keyword"), key=lambda r: (-r.priority, r.id))
    for rule in keyword:
        if keyword_matches(rule, text):
            return rule
    return next((r for r in rules if r.kind == "default"), None)


def choose_follow_reply(rules: Sequence[ReplyRule]) -> ReplyRule | None:
    follow = sorted((r for r in rules if r.kind == "follow"), key=lambda r: (-r.priority, r.id))
    return follow[0] if follow else None


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill {store} {guide} {channel} {account} {nickname}; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), "") or "", template)


def template_fields(content: str) -> list[str]:
    """The keys a template message's `data` fills, in order of first use: "{{keyword1.DATA}}"."""
    return list(dict.fromkeys(TEMPLATE_FIELD.findall(content)))


def window_open(last_interaction_at: datetime | None, now: datetime) -> bool:
    return last_interaction_at is not None and now - last_interaction_at <= CS_WINDOW


def window_closes_at(last_interaction_at: datetime | None) -> datetime | None:
    return None if last_interaction_at is None else last_interaction_at + CS_WINDOW


def _bytes(value: Any) -> int:
    return len(str(value).encode())


def menu_problems(buttons: Sequence[Mapping[str, Any]]) -> list[str]:
    """WeChat's menu limits (wechat.md §2.3), in Chinese, before anything is published."""
    problems: list[str] = []
    if not 1 <= len(buttons) <= 3:
        problems.append("一级菜单需要 1～3 个")
    for index, button in enumerate(buttons, 1):
        name = str(button.get("name", ""))
        if not name or _bytes(name) > 16:
            problems.append(f"第 {index} 个一级菜单名称不能为空且不超过 16 字节")
        subs = button.get("sub_button") or []
        if not isinstance(subs, list) or not all(isinstance(sub, dict) for sub in subs):
            problems.append(f"第 {index} 个一级菜单的 sub_button 需要是菜单列表")
            continue
        if len(subs) > 5:
            problems.append(f"第 {index} 个一级菜单的子菜单最多 5 个")
        for sub_index, sub in enumerate(subs, 1):
            if not sub.get("name") or _bytes(sub.get("name", "")) > 60:
                problems.append(f"子菜单 {index}-{sub_index} 名称不能为空且不超过 60 字节")
            problems += _action_problems(sub, f"子菜单 {index}-{sub_index}")
        if not subs:
            problems += _action_problems(button, f"第 {index} 个一级菜单")
    return problems


def _action_problems(button: Mapping[str, Any], where: str) -> list[str]:
    kind = button.get("type")
    if kind not in MENU_TYPES:
        return [f"{where} 的类型无效"]
    if kind == "view" and not str(button.get("url", "")).startswith(("http://", "https://")):
        return [f"{where} 需要以 http(s):// 开头的网址"]
    if kind == "miniprogram" and not (
        button.get("appid") and button.get("pagepath") and button.get("url")
    ):
        return [f"{where} 需要小程序 appid、页面路径和备用网址"]
    if kind not in {"view", "miniprogram"} and not button.get("key"):
        return [f"{where} 需要菜单 key"]
    if _bytes(button.get("key", "")) > 128 or _bytes(button.get("url", "")) > 1024:
        return [f"{where} 的 key 或网址太长"]
    return []


# The click keys the channel answers itself (the demo menu's 附近门店 and 联系客服).
MENU_STORES, MENU_SERVICE = "STORES", "SERVICE"
SERVICE_REPLY = "已为您转接人工客服，请直接发送您的问题，客服看到后会尽快回复您。"
SERVICE_REQUEST = "点击菜单「联系客服」"
MAX_STORES_LISTED = 10


def full_address(store: StoreRead) -> str:
    parts = [store.province, store.city, store.district, store.address]
    return "".join(p for i, p in enumerate(parts) if p and p not in parts[:i])


def _closeness(store: StoreRead, label: str) -> int:
    city = bool(store.city) and store.city in label
    district = city and bool(store.district) and store.district in label
    province = bool(store.province) and store.province in label
    return 4 * district + 2 * city + province


def nearest_first(stores: Sequence[StoreRead], label: str) -> list[StoreRead]:
    """Stores have no coordinates: a location's address label ranks its district, then its
    city, then its province first (a stable sort keeps the given order within a rank)."""
    if not label:
        return list(stores)
    return sorted(stores, key=lambda store: -_closeness(store, label))


def stores_text(stores: Sequence[StoreRead], label: str = "") -> str:
    if not stores:
        return "暂时没有营业中的门店，敬请期待。"
    ranked = nearest_first(stores, label)
    lines = ["离您最近的门店：" if label else "我们的门店："]
    for number, store in enumerate(ranked[:MAX_STORES_LISTED], 1):
        lines.append(f"{number}. {store.name}")
        if full_address(store):
            lines.append(f"地址：{full_address(store)}")
        if store.phone:
            lines.append(f"电话：{store.phone}")
    if len(ranked) > MAX_STORES_LISTED:
        lines.append(f"……共 {len(ranked)} 家门店")
    if not label:
        lines.append("发送您的位置，可查看离您最近的门店。")
    return "\n".join(lines)
