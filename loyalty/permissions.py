"""Function permissions of loyalty; imported by loyalty.api so they register once."""

from crm_core.permissions import Action, Resource, register_resource

_CRUD = (Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)
for _resource in (
    Resource(
        "loyalty.points",
        "会员积分",
        "Member points",
        "会员营销",
        "Loyalty",
        (Action.VIEW, Action.CREATE, Action.EDIT, Action.EXPORT),
    ),
    Resource(
        "loyalty.program",
        "等级与积分规则",
        "Tiers and rules",
        "会员营销",
        "Loyalty",
        (Action.VIEW, Action.EDIT),
    ),
    Resource(
        "loyalty.coupon",
        "优惠券",
        "Coupons",
        "会员营销",
        "Loyalty",
        (*_CRUD, Action.ASSIGN, Action.EXPORT),
    ),
    Resource(
        "loyalty.lottery", "大转盘", "Big wheel", "会员营销", "Loyalty", (*_CRUD, Action.EXPORT)
    ),
    Resource(
        "loyalty.mall", "积分商城", "Points mall", "会员营销", "Loyalty", (*_CRUD, Action.EXPORT)
    ),
    Resource(
        "loyalty.redpacket",
        "微信红包",
        "Red packets",
        "会员营销",
        "Loyalty",
        (Action.VIEW, Action.EDIT),
    ),
):
    register_resource(_resource)
