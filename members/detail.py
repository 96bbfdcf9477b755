"""The member detail screen in one read: cards, profile, fans, merges and timeline."""

from crm_core.permissions import Principal
from members import h5kit, merge, profile, service, timeline
from members.schemas import MemberDetailRead, MemberSummaryRead, TimelineEntryRead
from wechat.service import fans as wechat_fans


async def member_detail(principal: Principal, member_id: int) -> MemberDetailRead:
    """Raises member_not_found outside the viewer's data scope; each part shows only what the
    viewer's function permissions allow (the timeline filters itself)."""
    member, _ = await service.get_member(principal, member_id)
    names = await service.names_for([member])
    stores, staff = names["stores"], names["staff"]
    current = await profile.get_profile(member_id)
    # Points, tier and coupons are loyalty's figures: shown to those who may see points.
    summary = await h5kit.summary(member_id) if principal.can("loyalty.points:view") else {}
    fan_ids = (
        await wechat_fans.visible_fan_ids_of_member(principal, member_id)
        if principal.can("wechat.fan:view")
        else []
    )
    entries = await timeline.member_timeline(principal, member_id)
    return MemberDetailRead(
        member=member,
        first_store_name=stores.get(member.first_store_id or 0, ""),
        first_guide_name=staff.get(member.first_guide_id or 0, ""),
        last_store_name=stores.get(member.last_store_id or 0, ""),
        last_guide_name=staff.get(member.last_guide_id or 0, ""),
        summary=MemberSummaryRead(
            points=summary.get("points"),
            tier_name=summary.get("tier_name"),
            coupons=summary.get("coupons"),
        ),
        profile=current,
        birthday_text=profile.birthday_text(current),
        fan_ids=fan_ids,
        merges=await merge.merges_of(member_id),
        timeline=[TimelineEntryRead.model_validate(e) for e in entries],
    )
