"""Function permissions of approvals. Deciding needs approvals.request:view and being the
step's approver; approvals.flow:edit changes the flows."""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "approvals.request",
        "审批",
        "Approvals",
        "审批",
        "Approvals",
        (Action.VIEW, Action.CREATE),
    )
)
register_resource(
    Resource(
        "approvals.flow",
        "审批流程",
        "Approval flows",
        "审批",
        "Approvals",
        (Action.VIEW, Action.EDIT),
    )
)
