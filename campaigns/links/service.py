"""Tracked links: URLs in a message become `{base}/t/{code}` when it is sent; a visit is counted
and redirected to the original URL.

Per-member channels (customer service text, template jump URL, SMS) get a link per delivery and
URL, so a click names the member; a mass send carries the same text for everyone, so its links
are per campaign and count clicks for the campaign only."""

from campaigns.links import repository, rules
from campaigns.links.errors import LinkNotFoundError
from campaigns.mass.rules import SMS_PART_CHARS
from campaigns.sends.rules import Channel
from campaigns.sends.schemas import MessageContent
from crm_core import clock
from crm_core.config import get_settings
from crm_core.db import unit_of_work
from sms_gateway import rules as sms_rules

# Which part of the content a channel carries links in.
FIELDS = {
    Channel.CUSTOMER_SERVICE: "text",
    Channel.TEMPLATE: "template_url",
    Channel.SMS: "sms",
}


def link_base() -> str:
    settings = get_settings()
    return (settings.sends.link_base_url or settings.base_url).rstrip("/")


async def _rewrite(
    text: str, scope: str, owner_id: int, *, delivery_id: int | None, campaign_id: int | None
) -> str:
    base = link_base()
    urls = rules.find_urls(text, skip_prefix=base + rules.PATH)
    if not urls:
        return text
    now = clock.utc_now()
    short = {}
    for url in urls:
        key = rules.link_key(scope, owner_id, url)
        code = await repository.ensure_link(
            key, rules.new_code(), url, delivery_id, campaign_id, now
        )
        short[url] = rules.short_url(base, code)
    return rules.rewrite(text, short)


def _sms_length(text: str, marketing: bool) -> int:
    settings = get_settings().sms
    parts = sms_rules.composition(
        text,
        marketing=marketing,
        signature=settings.signature,
        opt_out_suffix=settings.opt_out_suffix,
    )
    return sum(map(len, parts))


def _sms_fits(content: MessageContent) -> bool:
    placeholder = rules.short_url(link_base(), "x" * rules.CODE_LENGTH)
    urls = rules.find_urls(content.sms, skip_prefix=link_base() + rules.PATH)
    tracked = rules.rewrite(content.sms, dict.fromkeys(urls, placeholder))
    limit = SMS_PART_CHARS * get_settings().sms.max_parts
    return rules.sms_fits(
        _sms_length(content.sms, content.marketing), _sms_length(tracked, content.marketing), limit
    )


async def track_message(
    delivery_id: int, campaign_id: int | None, channel: Channel, content: MessageContent
) -> MessageContent:
    """The content with the links this channel carries made trackable for this delivery. An
    SMS the short links would make too long goes untracked."""
    field = FIELDS.get(channel)
    if field is None or (channel is Channel.SMS and not _sms_fits(content)):
        return content
    original = getattr(content, field)
    text = await _rewrite(
        original, "d", delivery_id, delivery_id=delivery_id, campaign_id=campaign_id
    )
    # Most messages carry no link: the content as it was (a copy per message costs CPU).
    return content if text == original else content.model_copy(update={field: text})


async def track_campaign_text(campaign_id: int, text: str) -> str:
    """A mass send's text with its links tracked per campaign."""
    return await _rewrite(text, "c", campaign_id, delivery_id=None, campaign_id=campaign_id)


async def follow(code: str, user_agent: str) -> str:
    """A visit: counted (the member's first click also marks the ledger row), then the URL."""
    link = await repository.by_code(code) if rules.is_code(code) else None
    if link is None:
        raise LinkNotFoundError()
    now = clock.utc_now()
    async with unit_of_work():
        # PostgreSQL text cannot hold NUL; a header is not checked like the rest of a request.
        await repository.add_click(link, user_agent.replace("\x00", "")[:255], now)
        if link.delivery_id is not None:
            await repository.mark_delivery_clicked(link.delivery_id, now)
    return link.url


async def campaign_clicks(campaign_id: int) -> int:
    return await repository.campaign_clicks(campaign_id)
