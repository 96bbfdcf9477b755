"""A template message's field mapping checked against the synced template library (wechat)."""

from collections.abc import Mapping

from campaigns.sends import rules
from campaigns.sends.errors import TemplateFieldUnmappedError, TemplateUnknownError
from wechat.service import message_templates


async def check_mapping(
    template_id: str,
    mapping: Mapping[str, str],
    *,
    id_loc: tuple[str, ...] = ("template_id",),
    data_loc: tuple[str, ...] = ("template_fields",),
) -> None:
    """422 unless the template is in the library and every one of its fields has a value; the
    locations name the request's inputs (care settings by default) so the console shows the
    refusal under the input."""
    fields = await message_templates.fields_of(template_id)
    if fields is None:
        raise TemplateUnknownError(problems=[(id_loc, TemplateUnknownError.message)])
    if missing := rules.unmapped(fields, mapping):
        raise TemplateFieldUnmappedError(
            names="、".join(missing),
            problems=[((*data_loc, name), f"请填写模板字段 {name}") for name in missing],
        )
