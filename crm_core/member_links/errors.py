"""Member link errors (stable codes, Chinese messages)."""

from crm_core.errors import ConflictError, NotFoundError


class MemberNotFoundError(NotFoundError):
    code = "member_not_found"
    message = "会员不存在"


class CustomerHasMemberError(ConflictError):
    code = "customer_has_member"
    message = "该客户已关联会员（编号 {member_id}），请先解除关联"


class MemberLinkedElsewhereError(ConflictError):
    code = "member_linked_elsewhere"
    message = "该会员已关联其他客户，请先在那位客户处解除关联"


class NotLinkedError(ConflictError):
    code = "member_not_linked"
    message = "该客户没有关联会员"
