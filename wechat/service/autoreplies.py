"""Auto-reply rules: on follow, by keyword (exact, contains, regex; priority), default."""

import re

from tortoise.expressions import Q

from crm_core import audit
from crm_core.audit import Actor
from crm_core.permissions import Principal
from wechat import rules
from wechat.errors import AutoReplyNotFoundError, InvalidAutoReplyError
from wechat.models import AutoReply, MatchMode, ReplyKind, ReplyType
from wechat.schemas import (
    AutoReplyCreate,
    AutoReplyPreview,
    AutoReplyPreviewCreate,
    AutoReplyRead,
    AutoReplyUpdate,
)
from wechat.service import accounts, qrcodes, replies
from wechat.service.replies import bump_config_version


def _check(rule: AutoReply) -> None:
    if rule.kind == ReplyKind.KEYWORD and not rule.keyword.strip():
        raise InvalidAutoReplyError("关键词回复需要填写关键词")
    if rule.kind == ReplyKind.KEYWORD and rule.match_mode == MatchMode.REGEX:
        try:
            re.compile(rule.keyword)
        except re.error as error:
            raise InvalidAutoReplyError(f"正则表达式无效：{error}") from error
    if rule.reply_type == ReplyType.TEXT and not rule.content.strip():
        raise InvalidAutoReplyError("文字回复需要填写内容")
    if rule.reply_type == ReplyType.IMAGE and not rule.media_id:
        raise InvalidAutoReplyError("图片回复需要填写 media_id")
    if rule.reply_type == ReplyType.NEWS and not (rule.title and rule.url):
        raise InvalidAutoReplyError("图文回复需要标题和链接")


async def list_rules(
    account_id: int | None = None,
    *,
    kind: ReplyKind | None = None,
    is_active: bool | None = None,
    q: str = "",
) -> list[AutoReplyRead]:
    query = AutoReply.all() if account_id is None else AutoReply.filter(account_id=account_id)
    if kind is not None:
        query = query.filter(kind=kind)
    if is_active is not None:
        query = query.filter(is_active=is_active)
    if q:
        query = query.filter(
            Q(keyword__icontains=q) | Q(content__icontains=q) | Q(title__icontains=q)
        )
    return [
        AutoReplyRead.model_validate(r) for r in await query.order_by("kind", "-priority", "id")
    ]


async def preview(principal: Principal, data: AutoReplyPreviewCreate) -> AutoReplyPreview:
    """What a fan would receive: the placeholders filled for the QR code's store, guide and
    channel (or for the account alone), checked like a saved rule."""
    account = await accounts.get_account(data.account_id)
    _check(AutoReply(kind=ReplyKind.DEFAULT, **data.model_dump(exclude={"qrcode_id"})))
    values = {"account": account.name}
    if data.qrcode_id is not None:
        code = await qrcodes.get_qrcode(principal, data.qrcode_id)
        values = await replies.placeholder_values(
            account.name, code.store_id, code.guide_id, code.channel
        )
    return AutoReplyPreview(
        reply_type=data.reply_type,
        content="" if data.reply_type == ReplyType.IMAGE else rules.render(data.content, values),
        media_id=data.media_id if data.reply_type == ReplyType.IMAGE else "",
        title=rules.render(data.title, values),
        url=data.url,
        picurl=data.picurl,
    )


async def _get(reply_id: int) -> AutoReply:
    rule = await AutoReply.get_or_none(id=reply_id)
    if rule is None:
        raise AutoReplyNotFoundError()
    return rule


async def create_rule(actor: Actor, data: AutoReplyCreate) -> AutoReplyRead:
    await accounts.get_account(data.account_id)
    rule = AutoReply(**data.model_dump())
    _check(rule)
    await rule.save()
    await audit.record(
        actor,
        "wechat.autoreply.create",
        target_type="wechat_auto_reply",
        target_id=rule.id,
        after={"kind": rule.kind.value, "keyword": rule.keyword},
    )
    await bump_config_version()
    return AutoReplyRead.model_validate(rule)


async def update_rule(actor: Actor, reply_id: int, data: AutoReplyUpdate) -> AutoReplyRead:
    rule = await _get(reply_id)
    changes = data.model_dump(exclude_none=True)
    rule.update_from_dict(changes)
    _check(rule)
    await rule.save()
    await audit.record(
        actor,
        "wechat.autoreply.update",
        target_type="wechat_auto_reply",
        target_id=rule.id,
        after={k: str(v) for k, v in changes.items()},
    )
    await bump_config_version()
    return AutoReplyRead.model_validate(rule)


async def delete_rule(actor: Actor, reply_id: int) -> None:
    rule = await _get(reply_id)
    await rule.delete()
    await audit.record(
        actor, "wechat.autoreply.delete", target_type="wechat_auto_reply", target_id=reply_id
    )
    await bump_config_version()
