"""Pure red packet rules: the merchant bill number and how WeChat's answers map to a status."""

from datetime import date

from loyalty.redpackets.models import RedPacketSource, RedPacketStatus

MIN_FEN, MAX_FEN = 100, 20_000
_SOURCE_DIGIT = {
    RedPacketSource.CHECKIN: "1",
    RedPacketSource.LOTTERY: "2",
    RedPacketSource.MALL: "3",
}
# gethbinfo statuses: anything but FAILED means WeChat accepted the bill and holds the money.
_PAID = {"SENDING", "SENT", "RECEIVED", "RFUND_ING", "REFUND"}


def mch_billno(mch_id: str, source: RedPacketSource, source_id: int, day: date) -> str:
    """mch_id + yyyymmdd + 10 digits, as WeChat suggests (≤ 28 characters): the same business
    cause always gives the same number."""
    if not 0 < source_id < 10**9:
        raise ValueError("source_id out of range for a bill number")
    return f"{mch_id[-10:]}{day:%Y%m%d}{_SOURCE_DIGIT[source]}{source_id:09d}"


def status_for_query(wechat_status: str) -> RedPacketStatus:
    return RedPacketStatus.SENT if wechat_status in _PAID else RedPacketStatus.FAILED


def valid_amount(amount_fen: int) -> bool:
    return amount_fen == 0 or MIN_FEN <= amount_fen <= MAX_FEN
