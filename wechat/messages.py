"""Typed inbound messages and events (wechat.md §1.4–1.5) and their dedupe keys."""

from dataclasses import dataclass, field
from typing import Any

from wechat.errors import MalformedXmlError
from wechat.xml import as_list, text_field

SCENE_PREFIX = "qrscene_"


@dataclass(frozen=True, kw_only=True)
class InboundMessage:
    to_user: str
    openid: str
    create_time: int
    msg_type: str
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class UserMessage(InboundMessage):
    msg_id: str


@dataclass(frozen=True, kw_only=True)
class TextMessage(UserMessage):
    content: str
    menu_id: str = ""


@dataclass(frozen=True, kw_only=True)
class ImageMessage(UserMessage):
    pic_url: str
    media_id: str


@dataclass(frozen=True, kw_only=True)
class VoiceMessage(UserMessage):
    media_id: str
    format: str
    recognition: str = ""


@dataclass(frozen=True, kw_only=True)
class VideoMessage(UserMessage):
    """Also `shortvideo`; `msg_type` tells them apart."""

    media_id: str
    thumb_media_id: str


@dataclass(frozen=True, kw_only=True)
class LocationMessage(UserMessage):
    latitude: float
    longitude: float
    scale: int
    label: str


@dataclass(frozen=True, kw_only=True)
class LinkMessage(UserMessage):
    title: str
    description: str
    url: str


@dataclass(frozen=True, kw_only=True)
class UnknownMessage(UserMessage):
    pass


@dataclass(frozen=True, kw_only=True)
class Event(InboundMessage):
    event: str
    event_key: str = ""


@dataclass(frozen=True, kw_only=True)
class SubscribeEvent(Event):
    """`scene` is the QR scene with `qrscene_` stripped; empty for a plain follow."""

    scene: str = ""
    ticket: str = ""


@dataclass(frozen=True, kw_only=True)
class UnsubscribeEvent(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class ScanEvent(Event):
    scene: str
    ticket: str


@dataclass(frozen=True, kw_only=True)
class LocationEvent(Event):
    latitude: float
    longitude: float
    precision: float


@dataclass(frozen=True, kw_only=True)
class ClickEvent(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class ViewEvent(Event):
    url: str
    menu_id: str


@dataclass(frozen=True, kw_only=True)
class ViewMiniProgramEvent(Event):
    page_path: str
    menu_id: str


@dataclass(frozen=True, kw_only=True)
class TemplateSendJobFinishEvent(Event):
    msg_id: str
    status: str


@dataclass(frozen=True, kw_only=True)
class MassSendJobFinishEvent(Event):
    msg_id: str
    status: str
    total_count: int
    filter_count: int
    sent_count: int
    error_count: int


@dataclass(frozen=True)
class SubscribeMsgItem:
    template_id: str
    status: str
    popup_scene: str = ""
    msg_id: str = ""
    error_code: str = ""


@dataclass(frozen=True, kw_only=True)
class SubscribeMsgEvent(Event):
    """subscribe_msg_popup_event / subscribe_msg_change_event / subscribe_msg_sent_event."""

    items: tuple[SubscribeMsgItem, ...]


@dataclass(frozen=True, kw_only=True)
class UnknownEvent(Event):
    """Card, kf_* and menu picture events: route on `event` and read `raw`."""


def _number(data: dict[str, Any], name: str, kind: type[int] | type[float]) -> Any:
    value = text_field(data, name, "0") or "0"
    try:
        return kind(value)
    except ValueError:
        raise MalformedXmlError(f"字段 {name} 必须是数字") from None


def _subscribe_items(data: dict[str, Any]) -> tuple[SubscribeMsgItem, ...]:
    # The docs reuse the popup element name in the change event; accept every spelling.
    entries: list[dict[str, Any]] = []
    for name in ("SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent", "SubscribeMsgSentEvent"):
        container = data.get(name)
        if isinstance(container, dict):
            entries += [e for e in as_list(container.get("List")) if isinstance(e, dict)]
    return tuple(
        SubscribeMsgItem(
            template_id=text_field(entry, "TemplateId"),
            status=text_field(entry, "SubscribeStatusString") or text_field(entry, "ErrorStatus"),
            popup_scene=text_field(entry, "PopupScene"),
            msg_id=text_field(entry, "MsgID"),
            error_code=text_field(entry, "ErrorCode"),
        )
        for entry in entries
    )


def _parse_event(head: dict[str, Any], data: dict[str, Any]) -> Event:
    event = text_field(data, "Event")
    key = text_field(data, "EventKey")
    base = {**head, "event": event, "event_key": key}
    match event.lower():
        case "subscribe":
            scene = key.removeprefix(SCENE_PREFIX) if key.startswith(SCENE_PREFIX) else ""
            return SubscribeEvent(**base, scene=scene, ticket=text_field(data, "Ticket"))
        case "unsubscribe":
            return UnsubscribeEvent(**base)
        case "scan":
            return ScanEvent(**base, scene=key, ticket=text_field(data, "Ticket"))
        case "location":
            return LocationEvent(
                **base,
                latitude=_number(data, "Latitude", float),
                longitude=_number(data, "Longitude", float),
                precision=_number(data, "Precision", float),
            )
        case "click":
            return ClickEvent(**base)
        case "view":
            return ViewEvent(**base, url=key, menu_id=text_field(data, "MenuId"))
        case "view_miniprogram":
            return ViewMiniProgramEvent(**base, page_path=key, menu_id=text_field(data, "MenuId"))
        case "templatesendjobfinish":
            return TemplateSendJobFinishEvent(
                **base, msg_id=text_field(data, "MsgID"), status=text_field(data, "Status")
            )
        case "masssendjobfinish":
            return MassSendJobFinishEvent(
                **base,
                msg_id=text_field(data, "MsgID"),
                status=text_field(data, "Status"),
                total_count=_number(data, "TotalCount", int),
                filter_count=_number(data, "FilterCount", int),
                sent_count=_number(data, "SentCount", int),
                error_count=_number(data, "ErrorCount", int),
            )
        case (
            "subscribe_msg_popup_event" | "subscribe_msg_change_event" | "subscribe_msg_sent_event"
        ):
            return SubscribeMsgEvent(**base, items=_subscribe_items(data))
    return UnknownEvent(**base)


def parse_message(data: dict[str, Any]) -> InboundMessage:
    """Build the typed message from the parsed `<xml>` children."""
    msg_type = text_field(data, "MsgType").strip().lower()
    openid = text_field(data, "FromUserName")
    if not msg_type or not openid:
        raise MalformedXmlError("缺少 MsgType 或 FromUserName")
    head: dict[str, Any] = {
        "to_user": text_field(data, "ToUserName"),
        "openid": openid,
        "create_time": _number(data, "CreateTime", int),
        "msg_type": msg_type,
        "raw": data,
    }
    if msg_type == "event":
        return _parse_event(head, data)
    head["msg_id"] = text_field(data, "MsgId")
    match msg_type:
        case "text":
            return TextMessage(
                **head,
                content=text_field(data, "Content"),
                menu_id=text_field(data, "bizmsgmenuid"),
            )
        case "image":
            return ImageMessage(
                **head, pic_url=text_field(data, "PicUrl"), media_id=text_field(data, "MediaId")
            )
        case "voice":
            return VoiceMessage(
                **head,
                media_id=text_field(data, "MediaId"),
                format=text_field(data, "Format"),
                recognition=text_field(data, "Recognition"),
            )
        case "video" | "shortvideo":
            return VideoMessage(
                **head,
                media_id=text_field(data, "MediaId"),
                thumb_media_id=text_field(data, "ThumbMediaId"),
            )
        case "location":
            return LocationMessage(
                **head,
                latitude=_number(data, "Location_X", float),
                longitude=_number(data, "Location_Y", float),
                scale=_number(data, "Scale", int),
                label=text_field(data, "Label"),
            )
        case "link":
            return LinkMessage(
                **head,
                title=text_field(data, "Title"),
                description=text_field(data, "Description"),
                url=text_field(data, "Url"),
            )
    return UnknownMessage(**head)


def dedupe_key(appid: str, message: InboundMessage) -> str:
    """Redis key for atomic dedupe (wechat.md §1.3, reliability.md WH-4)."""
    if isinstance(message, UserMessage) and message.msg_id:
        return f"wx:dedupe:{appid}:{message.msg_id}"
    if isinstance(message, TemplateSendJobFinishEvent | MassSendJobFinishEvent) and message.msg_id:
        return f"wx:dedupe:{appid}:{message.event}:{message.msg_id}"
    event = message.event if isinstance(message, Event) else message.msg_type
    key = message.event_key if isinstance(message, Event) else ""
    return f"wx:dedupe:{appid}:{message.openid}:{message.create_time}:{event}:{key}"
