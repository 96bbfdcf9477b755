"""Member profile (资料): name, gender, solar or lunar birthday, region and address.

Each field completed for the first time ever earns the reward configured for it. members knows
nothing of points: it records the completion (unique per member and field, so clearing and
refilling earns nothing) and, after the commit, publishes `loyalty.reward_profile_field`;
loyalty grants with the key `profile:{member_id}:{field}`.
"""

from datetime import date

from crm_core import audit, clock, jobs
from crm_core.audit import Actor, actor_of
from crm_core.db import unit_of_work
from crm_core.errors import ValidationError
from crm_core.permissions import Principal
from members import rules
from members.models import Member, ProfileCompletion, ProfileField, ProfileReward
from members.schemas import (
    ProfileRead,
    ProfileRewardRead,
    ProfileRewardRow,
    ProfileRewardSet,
    ProfileUpdate,
)
from members.service import MemberNotFoundError, get_member

REWARD_JOB = "loyalty.reward_profile_field"
FIELD_LABELS = {
    ProfileField.NAME: "姓名",
    ProfileField.GENDER: "性别",
    ProfileField.BIRTHDAY: "生日",
    ProfileField.REGION: "所在地区（省市）",
    ProfileField.ADDRESS: "详细地址",
}
INPUT_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "birthday": "生日",
    "birthday_calendar": "生日历法",
    "province": "省份",
    "city": "城市",
    "district": "区县",
    "address": "详细地址",
}
_COLUMNS = (
    "name",
    "gender",
    "birthday",
    "birthday_calendar",
    "lunar_birth_month",
    "lunar_birth_day",
    "province",
    "city",
    "district",
    "address",
)
_COMPLETE = (
    "INSERT INTO members_profile_completion (member_id, field, completed_at) "
    "VALUES ($1, $2, $3) ON CONFLICT (member_id, field) DO NOTHING RETURNING id"
)


class ProfileInvalidError(ValidationError):
    code = "profile_invalid"
    message = "资料填写有误"


def member_actor(member_id: int) -> Actor:
    return Actor(None, f"member:{member_id}")


def _read(member: Member, today: date | None = None) -> ProfileRead:
    read = ProfileRead.model_validate(member)
    if member.birthday is not None:
        year = (today or clock.local_now().date()).year
        read.birthday_this_year = rules.solar_birthday_in(
            year,
            birthday=member.birthday,
            calendar=member.birthday_calendar,
            lunar_month=member.lunar_birth_month,
            lunar_day=member.lunar_birth_day,
        )
    return read


def birthday_text(member: Member | ProfileRead) -> str:
    """The birthday as the member typed it (lunar month and day on the lunar calendar)."""
    if member.birthday is None:
        return ""
    if member.birthday_calendar == "lunar" and member.lunar_birth_month:
        lunar_year, _, _ = rules.lunar_of(member.birthday)
        return f"{lunar_year:04d}-{member.lunar_birth_month:02d}-{member.lunar_birth_day:02d}"
    return member.birthday.isoformat()


async def get_profile(member_id: int) -> ProfileRead:
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise MemberNotFoundError()
    return _read(member)


def _changes(data: ProfileUpdate) -> dict[str, object]:
    try:
        birthday = rules.parse_birthday(
            data.birthday, data.birthday_calendar, today=clock.local_now().date()
        )
    except rules.ProfileInvalidError as error:
        raise ProfileInvalidError(str(error)) from error
    values = {
        k: v.strip()
        for k, v in data.model_dump(
            include={"name", "province", "city", "district", "address"}
        ).items()
    }
    if values["district"] and not values["city"]:
        raise ProfileInvalidError("填写区县前请先填写城市")
    if values["city"] and not values["province"]:
        raise ProfileInvalidError("填写城市前请先填写省份")
    return {
        **values,
        "gender": data.gender,
        "birthday": birthday.solar if birthday else None,
        "birthday_calendar": birthday.calendar if birthday else data.birthday_calendar,
        "lunar_birth_month": birthday.lunar_month if birthday else None,
        "lunar_birth_day": birthday.lunar_day if birthday else None,
    }


async def update_profile(member_id: int, data: ProfileUpdate, *, actor: Actor) -> ProfileRead:
    changes = _changes(data)
    async with unit_of_work() as connection:
        member = await Member.select_for_update().get_or_none(id=member_id, merged_into_id=None)
        if member is None:
            raise MemberNotFoundError()
        before = {c: getattr(member, c) for c in _COLUMNS}
        member.update_from_dict(changes)
        await member.save(update_fields=list(_COLUMNS))
        old, new = audit.changes(_plain(before), _plain(changes))
        if new:
            await audit.record(
                actor,
                "member.profile_update",
                target_type="member",
                target_id=member_id,
                before=old,
                after=new,
            )
        now = clock.utc_now()
        for field in sorted(rules.completed_fields(changes)):
            # execute_query_dict fetches the RETURNING row (execute_query reports no rows here).
            if await connection.execute_query_dict(_COMPLETE, [member_id, field, now]):
                jobs.enqueue(REWARD_JOB, member_id=member_id, field=field)
    return _read(member)


def _plain(values: dict[str, object]) -> dict[str, object]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


async def update_profile_for_staff(
    principal: Principal, member_id: int, data: ProfileUpdate
) -> ProfileRead:
    await get_member(principal, member_id)
    return await update_profile(member_id, data, actor=actor_of(principal))


async def list_profile_rewards() -> list[ProfileRewardRead]:
    return [ProfileRewardRead.model_validate(r) for r in await ProfileReward.all().order_by("id")]


async def set_profile_reward(principal: Principal, data: ProfileRewardSet) -> ProfileRewardRead:
    async with unit_of_work():
        reward, _ = await ProfileReward.update_or_create(
            field=data.field,
            defaults={
                "points": data.points,
                "coupon_template_id": data.coupon_template_id,
                "updated_at": clock.utc_now(),
            },
        )
        await audit.record(
            actor_of(principal),
            "member.profile_reward_set",
            target_type="profile_reward",
            target_id=data.field.value,
            after=data.model_dump(mode="json"),
        )
    return ProfileRewardRead.model_validate(reward)


async def profile_reward_for(field: str) -> ProfileRewardRead | None:
    """The reward configured for a field; None means loyalty's default profile points."""
    reward = await ProfileReward.get_or_none(field=field)
    return ProfileRewardRead.model_validate(reward) if reward else None


async def reward_rows(member_id: int, *, default_points: int) -> list[ProfileRewardRow]:
    """What each field earns when first filled ("填写生日 +20 积分"), and whether it was earned.

    Fields without a configured reward earn the programme's default (`default_points`, owned by
    loyalty); a field that earns nothing has no row."""
    configured = {r.field: r for r in await ProfileReward.all()}
    done = {c.field for c in await ProfileCompletion.filter(member_id=member_id)}
    rows = []
    for field in ProfileField:
        reward = configured.get(field)
        points = reward.points if reward else default_points
        coupon = reward is not None and reward.coupon_template_id is not None
        if points or coupon:
            rows.append(
                ProfileRewardRow(
                    field=field,
                    label=FIELD_LABELS[field],
                    points=points,
                    coupon=coupon,
                    earned=field in done,
                )
            )
    return rows


async def members_with_birthday_on(day: date) -> list[int]:
    """Members (not merged) whose birthday this year, solar or lunar, falls on `day`."""
    born = await Member.filter(birthday__not_isnull=True, merged_into_id=None).values_list(
        "id", "birthday", "birthday_calendar", "lunar_birth_month", "lunar_birth_day"
    )
    return [
        int(member_id)
        for member_id, birthday, calendar, month, lunar_day in born
        if rules.birthday_on(
            day, birthday=birthday, calendar=calendar, lunar_month=month, lunar_day=lunar_day
        )
    ]
