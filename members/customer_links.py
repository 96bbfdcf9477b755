"""Link members to the CRM customer with their verified phone (the run lives in crm_core).

A member's phone is set only by binding the card with an SMS code (members/card.py) or by a
merge that moves such a phone, so a phone here is a verified one.
"""

from collections import Counter
from typing import Any

from crm_core.member_links import service as member_links
from members.merge import MergeContext, MergeHook
from members.models import Member

BATCH = 500


async def link_customer(member_id: int, *, override_undo: bool = False) -> str:
    member = await Member.get_or_none(id=member_id, merged_into_id=None)
    if member is None or not member.phone:
        return "no_phone"
    outcome = await member_links.auto_link(member.id, member.phone, override_undo=override_undo)
    return outcome.value


async def backfill(*, override_undo: bool = False) -> dict[str, int]:
    """Every existing member with a phone, in id order, in batches; how each run ended."""
    counts: Counter[str] = Counter()
    after = 0
    while True:
        rows = (
            await Member.filter(id__gt=after, phone__isnull=False, merged_into_id=None)
            .order_by("id")
            .limit(BATCH)
            .values_list("id", "phone")
        )
        for member_id, phone in rows:
            outcome = await member_links.auto_link(
                int(member_id), str(phone), override_undo=override_undo
            )
            counts[outcome.value] += 1
        if len(rows) < BATCH:
            return dict(sorted(counts.items()))
        after = int(rows[-1][0])


async def _preview(target_id: int, source_id: int) -> list[tuple[str, str]]:
    customer_id = await member_links.customer_of_member(source_id)
    if customer_id is None or await member_links.customer_of_member(target_id) is not None:
        return []
    return [("关联客户", f"客户 #{customer_id} 改为关联本会员")]


async def _move(context: MergeContext) -> dict[str, Any]:
    moved = await member_links.move_link(context.source_id, context.target_id, context.actor)
    return {"customer_id": moved}


async def _undo(context: MergeContext, moved: dict[str, Any]) -> None:
    if moved.get("customer_id") is not None:
        await member_links.move_link_back(
            int(moved["customer_id"]), context.source_id, context.target_id, context.actor
        )


# Registered from scrm beside loyalty's: a merged member's customer follows the member.
MERGE_HOOK = MergeHook(name="customer_link", preview=_preview, move=_move, undo=_undo)
