"""SMS-SUBMIT (23.040 §9.2.2.2): what the TE writes after the ``> `` prompt."""

from __future__ import annotations

from dataclasses import dataclass

from sms_gateway.errors import PduDecodeError
from sms_gateway.pdu.fields import (
    ConcatInfo,
    decode_address,
    decode_smsc,
    encode_address,
    encode_smsc,
)
from sms_gateway.pdu.userdata import (
    Alphabet,
    alphabet_from_dcs,
    dcs_for,
    decode_user_data,
    encode_user_data,
    split_text,
)

MTI_SUBMIT = 0x01
VPF_RELATIVE = 0x10
VPF_MASK = 0x18
RD = 0x04
SRR = 0x20
UDHI = 0x40
VP_24_HOURS = 0xA7


@dataclass(frozen=True, slots=True)
class SubmitPart:
    """One part ready for ``AT+CMGS=<tpdu_length>`` followed by ``pdu_hex`` and Ctrl-Z."""

    tpdu_length: int
    pdu_hex: str
    sequence: int
    total: int


@dataclass(frozen=True, slots=True)
class Submit:
    smsc: str | None
    destination: str
    message_reference: int
    status_report_requested: bool
    reject_duplicates: bool
    validity_period: int | None
    pid: int
    dcs: int
    alphabet: Alphabet
    text: str
    concat: ConcatInfo | None


def encode_submit(
    destination: str,
    text: str,
    *,
    request_status_report: bool = True,
    validity_period: int | None = VP_24_HOURS,
    concat_reference: int = 0,
    ref16: bool = False,
    smsc: str | None = None,
) -> list[SubmitPart]:
    """Encode ``text`` as one SUBMIT per part, GSM-7 when every character allows it, else UCS2.

    TP-MR is always 0: the modem assigns the real reference and returns it in ``+CMGS: <mr>``.
    """
    address = encode_address(destination)
    alphabet, chunks = split_text(text, ref16=ref16)
    total = len(chunks)
    sca = encode_smsc(smsc)
    parts: list[SubmitPart] = []
    for sequence, chunk in enumerate(chunks, start=1):
        concat = ConcatInfo(concat_reference, total, sequence, ref16) if total > 1 else None
        first_octet = MTI_SUBMIT
        if validity_period is not None:
            first_octet |= VPF_RELATIVE
        if request_status_report:
            first_octet |= SRR
        if concat:
            first_octet |= UDHI
        udl, user_data = encode_user_data(chunk, alphabet, concat)
        tpdu = bytearray([first_octet, 0x00])
        tpdu += address
        tpdu += bytes([0x00, dcs_for(alphabet)])
        if validity_period is not None:
            tpdu.append(validity_period)
        tpdu.append(udl)
        tpdu += user_data
        parts.append(SubmitPart(len(tpdu), (sca + tpdu).hex().upper(), sequence, total))
    return parts


def decode_submit(pdu_hex: str, *, with_smsc: bool = True) -> Submit:
    try:
        data = bytes.fromhex(pdu_hex)
        return _decode_submit(data, with_smsc)
    except (ValueError, IndexError) as exc:
        raise PduDecodeError(f"not an SMS-SUBMIT: {exc}") from exc


def _decode_submit(data: bytes, with_smsc: bool) -> Submit:
    smsc, position = decode_smsc(data) if with_smsc else (None, 0)
    first_octet = data[position]
    if first_octet & 0x03 != MTI_SUBMIT:
        raise PduDecodeError(f"MTI {first_octet & 0x03} is not SMS-SUBMIT")
    message_reference = data[position + 1]
    destination, position = decode_address(data, position + 2)
    pid, dcs = data[position], data[position + 1]
    position += 2
    vpf = first_octet & VPF_MASK
    validity_period: int | None = None
    if vpf == VPF_RELATIVE:
        validity_period = data[position]
        position += 1
    elif vpf:
        position += 7
    udl = data[position]
    alphabet = alphabet_from_dcs(dcs)
    user_data = data[position + 1 :]
    expected = (udl * 7 + 7) // 8 if alphabet is Alphabet.GSM7 else udl
    if len(user_data) != expected or expected > 140:
        raise PduDecodeError(f"UDL {udl} does not match {len(user_data)} octets of user data")
    text, concat = decode_user_data(user_data, udl, alphabet, has_header=bool(first_octet & UDHI))
    return Submit(
        smsc=smsc,
        destination=destination,
        message_reference=message_reference,
        status_report_requested=bool(first_octet & SRR),
        reject_duplicates=bool(first_octet & RD),
        validity_period=validity_period,
        pid=pid,
        dcs=dcs,
        alphabet=alphabet,
        text=text,
        concat=concat,
    )
