"""Errors of tracked links."""

from crm_core.errors import NotFoundError


class LinkNotFoundError(NotFoundError):
    code = "link_not_found"
    message = "链接不存在或已失效"
