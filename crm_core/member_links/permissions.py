"""Function permissions of member links, registered by `register()` (called from scrm).

customers.member_link:view lists the ambiguous phones (关联冲突); :edit links and unlinks.
"""

from crm_core.permissions import Action, Resource, register_resource


def register() -> None:
    register_resource(
        Resource(
            "customers.member_link",
            "客户会员关联",
            "Customer–member links",
            "客户管理",
            "Customers",
            (Action.VIEW, Action.EDIT),
        )
    )
