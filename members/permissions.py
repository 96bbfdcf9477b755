"""Function permissions of members; imported by members.api and members.nav so they register once.

edit: change a member's profile, configure profile rewards, merge members and undo a merge.
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "members.member",
        "会员",
        "Members",
        "会员",
        "Members",
        (Action.VIEW, Action.EDIT, Action.EXPORT),
    )
)
register_resource(
    Resource(
        "members.center",
        "会员中心装修",
        "Member center look",
        "会员",
        "Members",
        (Action.VIEW, Action.EDIT),
    )
)
