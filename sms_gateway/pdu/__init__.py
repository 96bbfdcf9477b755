"""PDU codec (3GPP TS 23.040/23.038): pure functions, no I/O."""

from sms_gateway.pdu.deliver import (
    Deliver,
    DeliveryState,
    StatusReport,
    decode_deliver,
    decode_status_report,
    encode_deliver,
    encode_status_report,
)
from sms_gateway.pdu.fields import (
    ConcatInfo,
    normalize_cn_msisdn,
    relative_validity,
    validity_duration,
)
from sms_gateway.pdu.submit import VP_24_HOURS, Submit, SubmitPart, decode_submit, encode_submit
from sms_gateway.pdu.userdata import Alphabet, choose_alphabet, split_text

__all__ = [
    "VP_24_HOURS",
    "Alphabet",
    "ConcatInfo",
    "Deliver",
    "DeliveryState",
    "StatusReport",
    "Submit",
    "SubmitPart",
    "choose_alphabet",
    "decode_deliver",
    "decode_status_report",
    "decode_submit",
    "encode_deliver",
    "encode_status_report",
    "encode_submit",
    "normalize_cn_msisdn",
    "relative_validity",
    "split_text",
    "validity_duration",
]
