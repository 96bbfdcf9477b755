"""Segment use cases: save rules, count and preview them, and hand campaigns the member query."""

from typing import Any

from tortoise.exceptions import IntegrityError

from campaigns.segments import repository, rules
from campaigns.segments.errors import SegmentNameTakenError, SegmentNotFoundError
from campaigns.segments.models import Segment
from campaigns.segments.schemas import (
    ExplainRead,
    FieldOptionRead,
    PreviewRead,
    RuleIn,
    SegmentCreate,
    SegmentMemberPage,
    SegmentRead,
    SegmentUpdate,
)
from crm_core import audit, clock
from crm_core.db import unit_of_work
from crm_core.permissions import Principal
from members.schemas import MemberRead

PREVIEW_ROWS = 20


def _context() -> rules.Context:
    return rules.Context(now=clock.utc_now(), today=clock.local_now().date())


async def _compiled(principal: Principal, rule: RuleIn) -> repository.Query:
    return rules.compile_rule(rule.to_rule(), _context(), await repository.scope_sql(principal))


def field_options() -> list[FieldOptionRead]:
    return [
        FieldOptionRead(
            field=name,
            label=spec.label,
            kind=spec.kind.value,
            operators=rules.OPERATORS[spec.kind],
            choices=list(spec.choices),
        )
        for name, spec in rules.FIELDS.items()
    ]


async def preview(principal: Principal, rule: RuleIn) -> PreviewRead:
    query = await _compiled(principal, rule)
    ids = await repository.member_ids(query, offset=0, limit=PREVIEW_ROWS)
    rows = await repository.members_by_id(ids)
    return PreviewRead(
        count=await repository.count(query),
        members=[MemberRead.model_validate(m) for m in rows],
    )


async def explain(principal: Principal, rule: RuleIn) -> ExplainRead:
    compiled = rule.to_rule()
    counts = await repository.explain(
        rules.compile_explain(compiled, _context(), await repository.scope_sql(principal))
    )
    numbers = iter(counts[f"c{i}"] for i in range(len(compiled.conditions())))
    return ExplainRead(
        total=counts["total"],
        groups=[[next(numbers) for _ in g.conditions] for g in compiled.groups],
    )


async def list_segments() -> list[SegmentRead]:
    return [SegmentRead.model_validate(s) for s in await Segment.all().order_by("-id")]


async def _get(segment_id: int) -> Segment:
    segment = await Segment.get_or_none(id=segment_id)
    if segment is None:
        raise SegmentNotFoundError()
    return segment


async def get_segment(segment_id: int) -> SegmentRead:
    return SegmentRead.model_validate(await _get(segment_id))


async def _save(segment: Segment, principal: Principal, data: SegmentCreate) -> SegmentRead:
    now = clock.utc_now()
    segment.update_from_dict(
        {
            "name": data.name,
            "description": data.description,
            "rule": data.rule.model_dump(mode="json"),
            "member_count": await repository.count(await _compiled(principal, data.rule)),
            "counted_at": now,
            "updated_at": now,
        }
    )
    action = "segment.update" if segment.id else "segment.create"
    try:
        async with unit_of_work():
            await segment.save()
            await audit.record(
                audit.actor_of(principal),
                action,
                target_type="segment",
                target_id=segment.id,
                after={"name": segment.name, "rule": segment.rule},
            )
    except IntegrityError:
        raise SegmentNameTakenError(name=segment.name) from None
    return SegmentRead.model_validate(segment)


async def create_segment(principal: Principal, data: SegmentCreate) -> SegmentRead:
    segment = Segment(
        created_by_id=principal.staff_id,
        created_by_name=principal.name,
        created_at=clock.utc_now(),
    )
    return await _save(segment, principal, data)


async def update_segment(principal: Principal, segment_id: int, data: SegmentUpdate) -> SegmentRead:
    return await _save(await _get(segment_id), principal, data)


async def delete_segment(principal: Principal, segment_id: int) -> None:
    segment = await _get(segment_id)
    async with unit_of_work():
        await segment.delete()
        await audit.record(
            audit.actor_of(principal),
            "segment.delete",
            target_type="segment",
            target_id=segment_id,
            before={"name": segment.name},
        )


async def segment_members(
    principal: Principal, segment_id: int, *, page: int, page_size: int
) -> SegmentMemberPage:
    query = await segment_member_ids_sql(segment_id, principal)
    ids = await repository.member_ids(query, offset=(page - 1) * page_size, limit=page_size)
    rows = await repository.members_by_id(ids)
    return SegmentMemberPage(
        items=[MemberRead.model_validate(m) for m in rows],
        total=await repository.count(query),
        page=page,
        page_size=page_size,
    )


async def segment_member_ids_sql(segment_id: int, principal: Principal) -> tuple[str, list[Any]]:
    """`SELECT m.id …` of the segment's members inside the principal's data scope, with its
    parameters ($1 …), as of now: a campaign freezes its recipients with one
    `INSERT INTO … SELECT … FROM (<sql>) s`."""
    segment = await _get(segment_id)
    return await _compiled(principal, RuleIn.model_validate(segment.rule))


async def segment_count(segment_id: int, principal: Principal) -> int:
    """How many members the segment selects now, in the principal's data scope."""
    return await repository.count(await segment_member_ids_sql(segment_id, principal))


async def segment_name(segment_id: int) -> str | None:
    segment = await Segment.get_or_none(id=segment_id)
    return segment.name if segment else None
