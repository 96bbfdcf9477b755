from datetime import UTC, datetime, timedelta, timezone

import gsm_vectors as v
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_gateway.cli import sms
from sms_gateway.errors import InvalidNumberError, PduDecodeError
from sms_gateway.pdu import (
    Alphabet,
    DeliveryState,
    decode_deliver,
    decode_status_report,
    decode_submit,
    encode_deliver,
    encode_status_report,
    encode_submit,
    gsm7,
    normalize_cn_msisdn,
    relative_validity,
    validity_duration,
)

CHINA = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        pytest.param(v.V1_TEXT, {}, v.V1, id="V1-ascii"),
        pytest.param(v.V2A_TEXT, {}, v.V2A, id="V2a-chinese"),
        pytest.param(v.V2B_TEXT, {}, v.V2B, id="V2b-otp"),
        pytest.param(v.V3_TEXT, {}, v.V3, id="V3-two-part-ucs2"),
        pytest.param(v.V3_TEXT, {"concat_reference": 0x1234, "ref16": True}, v.V3B, id="V3b-ref16"),
        pytest.param(v.V4_TEXT, {}, v.V4, id="V4-two-part-gsm7-fill-bit"),
        pytest.param(v.V5_TEXT, {}, v.V5, id="V5-gsm7-extension"),
        pytest.param(v.V6_TEXT, {}, v.V6, id="V6-emoji"),
    ],
)
def test_submit_matches_reference_vectors(text, options, expected):
    options = {"concat_reference": 0x2A, **options}

    parts = encode_submit(v.DA, text, **options)

    assert [(part.tpdu_length, part.pdu_hex) for part in parts] == expected
    assert [part.tpdu_length for part in parts] == [len(h) // 2 - 1 for _, h in expected]
    assert [(part.sequence, part.total) for part in parts] == [
        (n, len(expected)) for n in range(1, len(expected) + 1)
    ]


def test_v3_part_one_header_fields():
    part = decode_submit(v.V3[0][1])

    assert part.smsc is None
    assert part.destination == "+8613800138000"
    assert part.message_reference == 0
    assert part.status_report_requested is True
    assert part.validity_period == 0xA7
    assert part.dcs == 0x08
    assert (part.concat.reference, part.concat.total, part.concat.sequence) == (0x2A, 2, 1)
    assert part.text.endswith("先到先得。详情")
    assert decode_submit(v.V3[1][1]).text == "请登录官网或关注公众号“示例商城”查询。回T退订"


@pytest.mark.parametrize(
    ("text", "lengths"),
    [
        pytest.param("中" * 70, [155], id="ucs2-70-one-part"),
        pytest.param("中" * 71, [155, 29], id="ucs2-71-two-parts"),
        pytest.param("中" * 134, [155, 155], id="ucs2-134-two-parts"),
        pytest.param("中" * 135, [155, 155, 23], id="ucs2-135-three-parts"),
        pytest.param("a" * 160, [155], id="gsm7-160-one-part"),
        pytest.param("a" * 161, [155, 29], id="gsm7-161-two-parts"),
        pytest.param("a" * 306, [155, 155], id="gsm7-306-two-parts"),
        pytest.param("a" * 307, [155, 155, 22], id="gsm7-307-three-parts"),
        pytest.param("Hello 中", [29], id="mixed-is-ucs2"),
    ],
)
def test_part_boundaries(text, lengths):
    parts = encode_submit(v.DA, text)

    assert [part.tpdu_length for part in parts] == lengths
    assert "".join(decode_submit(part.pdu_hex).text for part in parts) == text


def test_escape_pair_is_never_split_across_parts():
    text = "a" * 152 + "€" + "b" * 10

    parts = [decode_submit(part.pdu_hex) for part in encode_submit(v.DA, text)]

    assert [part.text for part in parts] == ["a" * 152, "€" + "b" * 10]
    assert parts[0].alphabet is Alphabet.GSM7


def test_surrogate_pair_is_never_split_across_parts():
    text = "中" * 66 + "🎂" + "文" * 4

    parts = [decode_submit(part.pdu_hex).text for part in encode_submit(v.DA, text)]

    assert parts == ["中" * 66, "🎂文文文文"]


def test_backtick_forces_ucs2_and_section_sign_stays_gsm7():
    assert decode_submit(encode_submit(v.DA, "a`b")[0].pdu_hex).alphabet is Alphabet.UCS2
    assert gsm7.encode("§¿") == [0x5F, 0x60]


def test_status_report_delivered():
    report = decode_status_report(v.REPORT_DELIVERED, tpdu_length=26)

    assert report.smsc == "+8613800100500"
    assert report.message_reference == 0x2A
    assert report.recipient == "+8613800138000"
    assert report.timestamp == datetime(2024, 11, 11, 10, 0, 0, tzinfo=CHINA)
    assert report.discharge_time == datetime(2024, 11, 11, 10, 0, 5, tzinfo=CHINA)
    assert report.status == 0x00
    assert report.state is DeliveryState.DELIVERED


def test_status_report_permanent_failure():
    report = decode_status_report(v.REPORT_FAILED)

    assert report.status == 0x41
    assert report.state is DeliveryState.FAILED


def test_captured_status_report_from_a_real_modem():
    report = decode_status_report(v.REPORT_CAPTURED, tpdu_length=25)

    assert report.smsc == "+919840000232"
    assert report.message_reference == 64
    assert report.recipient == "+919790197346"
    assert report.status == 0


def test_status_report_without_sca_is_recognised_by_its_length():
    without_sca = v.REPORT_DELIVERED[18:]

    report = decode_status_report(without_sca, tpdu_length=26)

    assert (report.smsc, report.message_reference, report.status) == (None, 0x2A, 0)


@pytest.mark.parametrize(
    ("pdu_hex", "text", "alphabet"),
    [
        pytest.param(v.DELIVER_T, "T", Alphabet.GSM7, id="gsm7-T"),
        pytest.param(v.DELIVER_TUIDING, "退订", Alphabet.UCS2, id="ucs2-tuiding"),
    ],
)
def test_deliver_vectors(pdu_hex, text, alphabet):
    message = decode_deliver(pdu_hex)

    assert message.originator == "+8613912345678"
    assert message.smsc == "+8613800100500"
    assert message.timestamp == datetime(2024, 11, 11, 10, 0, 0, tzinfo=CHINA)
    assert (message.text, message.alphabet, message.concat) == (text, alphabet, None)


def test_encode_deliver_and_status_report_reproduce_the_vectors():
    moment = datetime(2024, 11, 11, 10, 0, 0, tzinfo=CHINA)

    assert encode_deliver("+8613912345678", "T", timestamp=moment, smsc="+8613800100500") == [
        (21, v.DELIVER_T)
    ]
    assert encode_status_report(
        0x2A,
        "+8613800138000",
        timestamp=moment,
        discharge_time=moment + timedelta(seconds=5),
        status=0x41,
        smsc="+8613800100500",
    ) == (26, v.REPORT_FAILED)


def test_decoders_reject_the_wrong_message_type():
    with pytest.raises(PduDecodeError):
        decode_deliver(v.REPORT_DELIVERED)
    with pytest.raises(PduDecodeError):
        decode_status_report(v.DELIVER_T)
    with pytest.raises(PduDecodeError):
        decode_submit(v.DELIVER_T)
    with pytest.raises(PduDecodeError):
        decode_submit(v.V1[0][1][:-2])


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("13800138000", "+8613800138000"),
        ("138-0013 8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("10086", "10086"),
    ],
)
def test_normalize_cn_msisdn(raw, normalized):
    assert normalize_cn_msisdn(raw) == normalized


def test_invalid_number_is_a_typed_error():
    with pytest.raises(InvalidNumberError) as caught:
        encode_submit("not-a-number", "hi")

    assert caught.value.code == "sms_invalid_number"


@pytest.mark.parametrize(
    ("vp", "duration"),
    [
        (0, timedelta(minutes=5)),
        (0x0B, timedelta(hours=1)),
        (143, timedelta(hours=12)),
        (144, timedelta(hours=12, minutes=30)),
        (0xA7, timedelta(hours=24)),
        (168, timedelta(days=2)),
        (196, timedelta(days=30)),
        (197, timedelta(weeks=5)),
        (255, timedelta(weeks=63)),
    ],
)
def test_validity_period_table(vp, duration):
    assert validity_duration(vp) == duration
    assert relative_validity(duration) == vp


def test_validity_and_status_report_flag_are_optional():
    part = encode_submit(v.DA, "Hello", request_status_report=False, validity_period=None)[0]

    assert part.pdu_hex == "0001000D91683108108300F0000005C8329BFD06"
    decoded = decode_submit(part.pdu_hex)
    assert (decoded.status_report_requested, decoded.validity_period) == (False, None)


def test_cli_prints_one_pdu_per_part():
    result = CliRunner().invoke(sms, ["pdu", "--to", "13800138000", "--ref", "42", v.V3_TEXT])

    assert result.exit_code == 0
    assert result.output.splitlines() == [v.V3[0][1], v.V3[1][1]]


def test_cli_rejects_a_bad_number():
    result = CliRunner().invoke(sms, ["pdu", "--to", "abc", "hi"])

    assert result.exit_code == 2
    assert "not a phone number" in result.output


GSM7_CHARS = [c for c in gsm7.BASIC if c != "\x1b"] + list(gsm7.EXTENSION)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(GSM7_CHARS), min_size=1, max_size=500),
    reference=st.integers(0, 255),
)
def test_gsm7_round_trip(text, reference):
    parts = encode_submit(v.DA, text, concat_reference=reference)
    decoded = [decode_submit(part.pdu_hex) for part in parts]

    assert "".join(part.text for part in decoded) == text
    assert {part.alphabet for part in decoded} == {Alphabet.GSM7}
    assert all(part.tpdu_length == len(part.pdu_hex) // 2 - 1 for part in parts)
    if len(parts) > 1:
        assert [(d.concat.reference, d.concat.total, d.concat.sequence) for d in decoded] == [
            (reference, len(parts), n) for n in range(1, len(parts) + 1)
        ]


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300),
    ref16=st.booleans(),
)
def test_any_text_round_trips_within_140_octets(text, ref16):
    parts = encode_submit(v.DA, text, concat_reference=0x1234 if ref16 else 7, ref16=ref16)
    decoded = [decode_submit(part.pdu_hex) for part in parts]

    assert "".join(part.text for part in decoded) == text
    assert all(part.tpdu_length <= 15 + 140 for part in parts)  # 15 header octets here
    assert all(part.destination == v.DA for part in decoded)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_deliver_round_trip(text):
    moment = datetime(2024, 11, 11, 10, 0, 0, tzinfo=CHINA)
    parts = encode_deliver("+8613912345678", text, timestamp=moment, concat_reference=9)

    decoded = [decode_deliver(pdu_hex, tpdu_length=length) for length, pdu_hex in parts]

    assert "".join(message.text for message in decoded) == text
    assert {message.timestamp for message in decoded} == {moment}


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis adds the zone
        max_value=datetime(2099, 12, 31),  # noqa: DTZ001
        timezones=st.sampled_from([CHINA, UTC, timezone(timedelta(hours=-3, minutes=-30))]),
    ),
)
def test_status_report_timestamp_round_trip(moment):
    moment = moment.replace(microsecond=0)
    _, pdu_hex = encode_status_report(
        255, "10086", timestamp=moment, discharge_time=moment, status=0x46
    )

    report = decode_status_report(pdu_hex)

    assert (report.timestamp, report.recipient, report.message_reference) == (moment, "10086", 255)
    assert report.state is DeliveryState.FAILED
