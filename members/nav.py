"""The members package's console menu entries (registered by scrm/ at start-up)."""

from crm_core.web.nav import NavItem, add_nav

ENTRIES = (
    ("会员列表", "Members", "/admin/members", "members.member:view", "UserFilled"),
    (
        "资料奖励",
        "Profile rewards",
        "/admin/members/profile-rewards",
        "members.member:view",
        "Postcard",
    ),
    ("会员中心装修", "Member center look", "/admin/members/center", "members.center:view", "Brush"),
)


def register() -> None:
    for label, en, href, permission, icon in ENTRIES:
        add_nav(NavItem("会员", "Members", label, en, href, permission, icon))
