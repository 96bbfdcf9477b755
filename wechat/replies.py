"""Passive replies (wechat.md §1.3): the XML returned in the callback response."""

from dataclasses import dataclass

SUCCESS = "success"


def cdata(value: str) -> str:
    # "]]>" cannot appear inside CDATA; split it across two sections.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    picurl: str = ""


def _envelope(*, openid: str, account: str, create_time: int, msg_type: str, body: str) -> str:
    return (
        f"<xml><ToUserName>{cdata(openid)}</ToUserName>"
        f"<FromUserName>{cdata(account)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType>{cdata(msg_type)}</MsgType>"
        f"{body}</xml>"
    )


def text_reply(*, openid: str, account: str, create_time: int, content: str) -> str:
    return _envelope(
        openid=openid,
        account=account,
        create_time=create_time,
        msg_type="text",
        body=f"<Content>{cdata(content)}</Content>",
    )


def image_reply(*, openid: str, account: str, create_time: int, media_id: str) -> str:
    return _envelope(
        openid=openid,
        account=account,
        create_time=create_time,
        msg_type="image",
        body=f"<Image><MediaId>{cdata(media_id)}</MediaId></Image>",
    )


def news_reply(*, openid: str, account: str, create_time: int, article: Article) -> str:
    """Since 2018-10-12 a passive news reply carries exactly one article."""
    item = (
        f"<item><Title>{cdata(article.title)}</Title>"
        f"<Description>{cdata(article.description)}</Description>"
        f"<PicUrl>{cdata(article.picurl)}</PicUrl><Url>{cdata(article.url)}</Url></item>"
    )
    return _envelope(
        openid=openid,
        account=account,
        create_time=create_time,
        msg_type="news",
        body=f"<ArticleCount>1</ArticleCount><Articles>{item}</Articles>",
    )


def transfer_customer_service_reply(*, openid: str, account: str, create_time: int) -> str:
    return _envelope(
        openid=openid,
        account=account,
        create_time=create_time,
        msg_type="transfer_customer_service",
        body="",
    )
