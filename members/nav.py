"""The members entries of the console menu (served by /api/v1/me; the pages are the SPA's)."""

import members.permissions  # noqa: F401 - registers the members resource
from crm_core.web.nav import NavItem, add_nav

for _label, _label_en, _href, _permission, _icon in (
    ("会员列表", "Members", "/admin/members", "members.member:view", "UserFilled"),
    (
        "资料奖励",
        "Profile rewards",
        "/admin/members/profile-rewards",
        "members.member:view",
        "Postcard",
    ),
    ("会员中心装修", "Member center look", "/admin/members/center", "members.center:view", "Brush"),
):
    add_nav(NavItem("会员", "Members", _label, _label_en, _href, _permission, _icon))
