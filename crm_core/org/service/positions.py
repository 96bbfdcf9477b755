from tortoise.exceptions import IntegrityError

from crm_core import audit
from crm_core.audit import actor_of
from crm_core.db import unit_of_work
from crm_core.org.errors import DuplicateNameError, PositionNotFoundError
from crm_core.org.models import Position
from crm_core.org.schemas import PositionCreate, PositionRead
from crm_core.org.service._common import snapshot
from crm_core.permissions import Principal


async def list_positions() -> list[PositionRead]:
    return [PositionRead.model_validate(p) for p in await Position.all().order_by("id")]


async def create_position(principal: Principal, data: PositionCreate) -> PositionRead:
    try:
        async with unit_of_work():
            position = await Position.create(**data.model_dump())
            await audit.record(
                actor_of(principal),
                "position.create",
                target_type="position",
                target_id=position.id,
                after=data.model_dump(),
            )
    except IntegrityError as error:
        raise DuplicateNameError(kind="岗位") from error
    return PositionRead.model_validate(position)


async def update_position(
    principal: Principal, position_id: int, data: PositionCreate
) -> PositionRead:
    position = await Position.get_or_none(id=position_id)
    if position is None:
        raise PositionNotFoundError()
    before = snapshot(position, ("name", "description"))
    position.update_from_dict(data.model_dump())
    try:
        async with unit_of_work():
            await position.save()
            await audit.record(
                actor_of(principal),
                "position.update",
                target_type="position",
                target_id=position.id,
                before=before,
                after=data.model_dump(),
            )
    except IntegrityError as error:
        raise DuplicateNameError(kind="岗位") from error
    return PositionRead.model_validate(position)


async def delete_position(principal: Principal, position_id: int) -> None:
    position = await Position.get_or_none(id=position_id)
    if position is None:
        raise PositionNotFoundError()
    async with unit_of_work():
        await position.delete()
        await audit.record(
            actor_of(principal),
            "position.delete",
            target_type="position",
            target_id=position_id,
            before={"name": position.name},
        )
