"""Protocol core of the callback: signatures, freshness, safe mode, parsing, replies."""

import hashlib
import time

import pytest

from wechat import crypto
from wechat.crypto import MessageCipher, sign
from wechat.errors import (
    CallbackBodyTooLargeError,
    DecryptionError,
    InvalidSignatureError,
    MalformedXmlError,
    PlaintextNotAllowedError,
    StaleTimestampError,
)
from wechat.inbound import CallbackAccount, open_delivery, seal_reply, verify_echo
from wechat.messages import TextMessage
from wechat.replies import text_reply
from wechat.xml import parse_xml

TOKEN = "QDG6eK"
APPID = "wx5823bf96d3bd56c7"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

POST_MSG_SIGNATURE = "477715d11cdb4164915debcba66cb864d751f3e6"
POST_TIMESTAMP = "1409659813"
POST_NONCE = "1372623149"
POST_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUp"
    "j911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue"
    "06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+"
    "3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH"
    "27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8"
    "R07+qN+E7Q=="
)
POST_BODY = (
    f"<xml><ToUserName><![CDATA[{APPID}]]></ToUserName><Encrypt><![CDATA[{POST_ENCRYPT}]]></Encrypt>"
    "<AgentID><![CDATA[218]]></AgentID></xml>"
)
POST_PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
    "<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n"
    "<AgentID>218</AgentID>\n"
    "</xml>"
)
# The sample's URL check: its echostr decrypts to this plaintext.
GET_MSG_SIGNATURE = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
GET_TIMESTAMP = "1409659589"
GET_NONCE = "263014780"
GET_ECHOSTR = (
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
)
GET_ECHO_PLAIN = "1616140317555161061"

SAMPLE = CallbackAccount(appid=APPID, token=TOKEN, encoding_aes_key=AES_KEY)
NOW = 1_700_000_000
OTHER_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TEXT_XML = (
    "<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[你好]]></Content><MsgId>23456789012345678</MsgId></xml>"
)


def signed_query(
    account: CallbackAccount, *, timestamp: int = NOW, nonce: str = "n1", encrypt: str | None = None
) -> dict[str, str]:
    query = {
        "signature": sign(account.token, str(timestamp), nonce),
        "timestamp": str(timestamp),
        "nonce": nonce,
        "openid": "oUSER",
    }
    if encrypt is not None:
        query |= {
            "encrypt_type": "aes",
            "msg_signature": sign(account.token, str(timestamp), nonce, encrypt),
        }
    return query


def safe_body(account: CallbackAccount, xml: str, *, key: str | None = None) -> tuple[bytes, str]:
    cipher = account.cipher()
    assert cipher is not None
    encrypt = cipher.encrypt(xml, aes_key=key)
    return (
        f"<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><Encrypt><![CDATA[{encrypt}]]>"
        f"</Encrypt></xml>".encode(),
        encrypt,
    )


def test_signature_is_sha1_of_sorted_parts() -> None:
    joined = b"".join(sorted([b"tok", b"123", b"abc"]))
    expected = hashlib.sha1(joined, usedforsecurity=False).hexdigest()
    assert sign("tok", "123", "abc") == expected == sign("abc", "tok", "123")


def test_tencent_sample_vector_decrypts_through_the_callback_path() -> None:
    query = {
        "msg_signature": POST_MSG_SIGNATURE,
        "timestamp": POST_TIMESTAMP,
        "nonce": POST_NONCE,
        "encrypt_type": "aes",
        "signature": sign(TOKEN, POST_TIMESTAMP, POST_NONCE),
    }

    delivery = open_delivery(SAMPLE, query, POST_BODY.encode(), now=int(POST_TIMESTAMP) + 2)

    assert delivery.xml == POST_PLAIN
    assert delivery.mode == "safe"
    assert delivery.message == TextMessage(
        to_user=APPID,
        openid="mycreate",
        create_time=1409659813,
        msg_type="text",
        msg_id="4561255354251345929",
        content="hello",
        raw={},
    )
    assert delivery.dedupe_key == f"wx:dedupe:{APPID}:4561255354251345929"


def test_tencent_sample_echostr_decrypts() -> None:
    cipher = SAMPLE.cipher()
    assert cipher is not None
    plain, key = cipher.verify_and_decrypt(
        GET_ECHOSTR, msg_signature=GET_MSG_SIGNATURE, timestamp=GET_TIMESTAMP, nonce=GET_NONCE
    )
    assert (plain, key) == (GET_ECHO_PLAIN, AES_KEY)


def test_sample_reply_is_encrypted_and_round_trips() -> None:
    query = {
        "msg_signature": POST_MSG_SIGNATURE,
        "timestamp": POST_TIMESTAMP,
        "nonce": POST_NONCE,
        "encrypt_type": "aes",
        "signature": sign(TOKEN, POST_TIMESTAMP, POST_NONCE),
    }
    delivery = open_delivery(SAMPLE, query, POST_BODY.encode(), now=int(POST_TIMESTAMP))
    reply = text_reply(openid="mycreate", account=APPID, create_time=1409659814, content="收到")

    sealed = seal_reply(SAMPLE, delivery, reply)

    envelope = parse_xml(sealed)
    assert envelope["TimeStamp"] == POST_TIMESTAMP
    assert envelope["Nonce"] == POST_NONCE
    assert envelope["MsgSignature"] == sign(TOKEN, POST_TIMESTAMP, POST_NONCE, envelope["Encrypt"])
    cipher = SAMPLE.cipher()
    assert cipher is not None
    assert cipher.decrypt(envelope["Encrypt"]) == (reply, AES_KEY)
    assert parse_xml(reply)["Content"] == "收到"


def test_no_reply_is_success_even_in_safe_mode() -> None:
    body, encrypt = safe_body(SAMPLE, TEXT_XML)
    delivery = open_delivery(SAMPLE, signed_query(SAMPLE, encrypt=encrypt), body, now=NOW)
    assert seal_reply(SAMPLE, delivery, None) == "success"
    assert seal_reply(SAMPLE, delivery, "") == "success"


def test_plaintext_delivery_is_parsed_and_reply_stays_plain() -> None:
    account = CallbackAccount(appid="wxapp", token="tok")
    delivery = open_delivery(account, signed_query(account), TEXT_XML.encode(), now=NOW)
    assert delivery.mode == "plain"
    assert isinstance(delivery.message, TextMessage)
    assert delivery.message.content == "你好"
    assert seal_reply(account, delivery, "<xml>r</xml>") == "<xml>r</xml>"


def test_compat_mode_trusts_the_encrypted_copy() -> None:
    cipher = SAMPLE.cipher()
    assert cipher is not None
    encrypt = cipher.encrypt(TEXT_XML)
    # The plaintext half says something else: only the authenticated ciphertext counts.
    forged = TEXT_XML.replace("你好", "forged").replace("</xml>", "")
    body = f"{forged}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()

    delivery = open_delivery(SAMPLE, signed_query(SAMPLE, encrypt=encrypt), body, now=NOW)

    assert delivery.mode == "compat"
    assert isinstance(delivery.message, TextMessage)
    assert delivery.message.content == "你好"


def test_echo_returns_echostr_verbatim() -> None:
    query = signed_query(SAMPLE) | {"echostr": "8812345678"}
    assert verify_echo(SAMPLE, query, now=NOW) == "8812345678"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"signature": "0" * 40}, id="wrong-signature"),
        pytest.param({"signature": ""}, id="empty-signature"),
        pytest.param({"nonce": "other"}, id="nonce-changed"),
    ],
)
def test_bad_signature_is_rejected(tamper: dict[str, str]) -> None:
    query = signed_query(SAMPLE) | {"echostr": "x"} | tamper
    with pytest.raises(InvalidSignatureError) as excinfo:
        verify_echo(SAMPLE, query, now=NOW)
    assert (excinfo.value.status_code, excinfo.value.code) == (403, "wechat_invalid_signature")
    with pytest.raises(InvalidSignatureError):
        open_delivery(SAMPLE, query, TEXT_XML.encode(), now=NOW)


def test_missing_signature_is_rejected() -> None:
    query = signed_query(SAMPLE)
    del query["signature"]
    with pytest.raises(InvalidSignatureError):
        open_delivery(SAMPLE, query, TEXT_XML.encode(), now=NOW)


def test_signature_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(crypto.hmac, "compare_digest", spy)
    open_delivery(SAMPLE, signed_query(SAMPLE), TEXT_XML.encode(), now=NOW)
    assert calls == [(sign(TOKEN, str(NOW), "n1").encode(),) * 2]


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        pytest.param(-301, False, id="301s-old"),
        pytest.param(301, False, id="301s-ahead"),
        pytest.param(-300, True, id="300s-old"),
        pytest.param(-20, True, id="20s-old"),
    ],
)
def test_timestamp_window(offset: int, accepted: bool) -> None:
    query = signed_query(SAMPLE, timestamp=NOW + offset)
    if accepted:
        assert open_delivery(SAMPLE, query, TEXT_XML.encode(), now=NOW).mode == "plain"
    else:
        with pytest.raises(StaleTimestampError) as excinfo:
            open_delivery(SAMPLE, query, TEXT_XML.encode(), now=NOW)
        assert excinfo.value.status_code == 403


def test_timestamp_window_is_a_parameter() -> None:
    query = signed_query(SAMPLE, timestamp=NOW - 60)
    with pytest.raises(StaleTimestampError):
        open_delivery(SAMPLE, query, TEXT_XML.encode(), now=NOW, window=30)


def test_non_numeric_timestamp_is_stale() -> None:
    query = signed_query(SAMPLE) | {"timestamp": "abc"}
    query["signature"] = sign(TOKEN, "abc", "n1")
    with pytest.raises(StaleTimestampError):
        open_delivery(SAMPLE, query, TEXT_XML.encode(), now=NOW)


def test_tampered_ciphertext_is_rejected() -> None:
    body, encrypt = safe_body(SAMPLE, TEXT_XML)
    tampered = encrypt[:10] + ("A" if encrypt[10] != "A" else "B") + encrypt[11:]
    query = signed_query(SAMPLE, encrypt=encrypt)
    with pytest.raises(InvalidSignatureError):
        open_delivery(SAMPLE, query, body.replace(encrypt.encode(), tampered.encode()), now=NOW)


def test_ciphertext_for_another_appid_is_rejected() -> None:
    other = MessageCipher(TOKEN, AES_KEY, "wx_other_app")
    encrypt = other.encrypt(TEXT_XML)
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
    with pytest.raises(DecryptionError) as excinfo:
        open_delivery(SAMPLE, signed_query(SAMPLE, encrypt=encrypt), body, now=NOW)
    assert excinfo.value.status_code == 403


def test_previous_aes_key_still_opens_and_answers_with_that_key() -> None:
    rotated = CallbackAccount(
        appid=APPID, token=TOKEN, encoding_aes_key=OTHER_KEY, previous_aes_key=AES_KEY
    )
    body, encrypt = safe_body(SAMPLE, TEXT_XML)  # sealed with the old key

    delivery = open_delivery(rotated, signed_query(rotated, encrypt=encrypt), body, now=NOW)
    sealed = parse_xml(seal_reply(rotated, delivery, "<xml>r</xml>"))

    assert delivery.aes_key == AES_KEY
    assert MessageCipher(TOKEN, AES_KEY, APPID).decrypt(sealed["Encrypt"]) == (
        "<xml>r</xml>",
        AES_KEY,
    )


def test_safe_only_account_refuses_plaintext_and_compat() -> None:
    strict = CallbackAccount(
        appid=APPID, token=TOKEN, encoding_aes_key=AES_KEY, require_safe_mode=True
    )
    with pytest.raises(PlaintextNotAllowedError):
        open_delivery(strict, signed_query(strict), TEXT_XML.encode(), now=NOW)
    cipher = strict.cipher()
    assert cipher is not None
    encrypt = cipher.encrypt(TEXT_XML)
    compat = TEXT_XML.replace("</xml>", f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
    with pytest.raises(PlaintextNotAllowedError):
        open_delivery(strict, signed_query(strict, encrypt=encrypt), compat.encode(), now=NOW)


def test_oversized_body_is_413_before_any_other_check() -> None:
    body = b"<xml>" + b"a" * (128 * 1024) + b"</xml>"
    unsigned = {"timestamp": "0", "nonce": "", "signature": ""}
    with pytest.raises(CallbackBodyTooLargeError) as excinfo:
        open_delivery(SAMPLE, unsigned, body, now=NOW)
    assert excinfo.value.status_code == 413


def test_body_at_the_cap_is_accepted() -> None:
    padding = 128 * 1024 - len(TEXT_XML.encode()) - len("<!---->")
    body = TEXT_XML.replace("</xml>", f"<!--{'p' * padding}--></xml>").encode()
    assert len(body) == 128 * 1024
    assert open_delivery(SAMPLE, signed_query(SAMPLE), body, now=NOW).mode == "plain"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "ha">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]><xml><Content>&j;</Content></xml>"
)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<xml><Content>&x;</Content></xml>",
            id="xxe",
        ),
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param('<!DOCTYPE xml SYSTEM "http://evil.example/x.dtd"><xml/>', id="external-dtd"),
        pytest.param("<!doctype xml><xml/>", id="lowercase-doctype"),
        pytest.param("<xml><Content>&foo;</Content></xml>", id="undeclared-entity"),
        pytest.param("<xml><MsgType>text</MsgType>", id="truncated"),
        pytest.param(
            "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>"
            "<MsgType>image</MsgType></xml>",
            id="duplicated-msgtype",
        ),
        pytest.param("<xml><Content>x</Content></xml>", id="missing-msgtype"),
        pytest.param("<root><MsgType>text</MsgType></root>", id="wrong-root"),
    ],
)
def test_hostile_or_broken_xml_is_400_and_fast(body: str) -> None:
    started = time.perf_counter()
    with pytest.raises(MalformedXmlError) as excinfo:
        open_delivery(SAMPLE, signed_query(SAMPLE), body.encode(), now=NOW)
    assert excinfo.value.status_code == 400
    assert time.perf_counter() - started < 0.05


def test_dtd_inside_encrypted_payload_is_rejected() -> None:
    body, encrypt = safe_body(SAMPLE, BILLION_LAUGHS)
    with pytest.raises(MalformedXmlError):
        open_delivery(SAMPLE, signed_query(SAMPLE, encrypt=encrypt), body, now=NOW)


def test_parse_xml_returns_children() -> None:
    assert parse_xml(TEXT_XML)["MsgId"] == "23456789012345678"
