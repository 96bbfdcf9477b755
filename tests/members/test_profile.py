"""Member profile: solar and lunar birthdays, the H5 form and console editing, and the
first-fill reward (members publishes, loyalty grants once per member and field ever)."""

import asyncio
from datetime import date

import httpx
import pytest

from crm_core import jobs
from crm_core.audit import AuditLog
from loyalty import tasks as loyalty_tasks
from loyalty.coupons.models import Coupon
from loyalty.points.models import Account, PointsEntry
from loyalty.program import birthdays
from members import profile, rules
from members.models import Calendar, Member, ProfileCompletion, ProfileField, ProfileReward
from members.schemas import ProfileUpdate
from tests.factories import bearer, make_staff
from tests.loyalty.factories import make_program, make_template, make_tiers
from tests.members.support import h5_session, make_card_member

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "calendar", "solar", "lunar"),
    [
        ("1990-08-15", "solar", date(1990, 8, 15), (None, None)),
        ("1990/8/15", "solar", date(1990, 8, 15), (None, None)),
        ("1990-08-15", "lunar", date(1990, 10, 3), (8, 15)),
        ("2000-01-01", "lunar", date(2000, 2, 5), (1, 1)),
    ],
    ids=["solar", "slashes", "mid-autumn", "spring-festival"],
)
def test_birthdays_are_read_on_their_calendar(
    text: str, calendar: str, solar: date, lunar: tuple[int | None, int | None]
) -> None:
    parsed = rules.parse_birthday(text, calendar, today=TODAY)
    assert parsed is not None
    assert (parsed.solar, parsed.calendar, parsed.lunar_month, parsed.lunar_day) == (
        solar,
        calendar,
        *lunar,
    )


@pytest.mark.parametrize(
    ("text", "calendar", "message"),
    [
        ("1990-02-30", "solar", "生日不是有效的公历日期"),
        ("1990-13-01", "lunar", "生日不是有效的农历日期（支持 1900–2099 年）"),
        ("2027-01-01", "solar", "生日不能晚于今天"),
        ("19900815", "solar", "生日格式应为 年-月-日，例如 1990-08-15"),
        ("1890-01-01", "solar", "生日年份不能早于 1900 年"),
    ],
    ids=["no-such-solar-day", "no-such-lunar-month", "future", "no-dashes", "too-old"],
)
def test_bad_birthdays_get_chinese_messages(text: str, calendar: str, message: str) -> None:
    with pytest.raises(rules.ProfileInvalidError, match=f"^{message}$"):
        rules.parse_birthday(text, calendar, today=TODAY)


@pytest.mark.parametrize(
    ("born", "calendar", "lunar", "year", "expected"),
    [
        (date(1990, 10, 3), "lunar", (8, 15), 2026, date(2026, 9, 25)),
        (date(1990, 10, 3), "lunar", (8, 15), 2027, date(2027, 9, 15)),
        # Lunar 12-25 of lunar year 2026 is in solar 2027; the 2026 one belongs to lunar 2025.
        (date(1991, 2, 9), "lunar", (12, 25), 2026, date(2026, 2, 12)),
        (date(1991, 2, 9), "lunar", (12, 25), 2027, date(2027, 2, 1)),
        (date(1992, 2, 29), "solar", (None, None), 2026, date(2026, 2, 28)),
        (date(1992, 2, 29), "solar", (None, None), 2028, date(2028, 2, 29)),
    ],
    ids=[
        "mid-autumn-2026",
        "mid-autumn-2027",
        "late-12th-2026",
        "late-12th-2027",
        "leap-day-common-year",
        "leap-day-leap-year",
    ],
)
def test_this_years_birthday_on_the_solar_calendar(
    born: date, calendar: str, lunar: tuple[int | None, int | None], year: int, expected: date
) -> None:
    assert (
        rules.solar_birthday_in(
            year, birthday=born, calendar=calendar, lunar_month=lunar[0], lunar_day=lunar[1]
        )
        == expected
    )


def reward_jobs(published: list[jobs.Job]) -> list[tuple[int, str]]:
    return [
        (j.kwargs["member_id"], j.kwargs["field"])
        for j in published
        if j.name == "loyalty.reward_profile_field"
    ]


async def test_h5_profile_saves_and_publishes_one_reward_per_new_field(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    member = await make_card_member(name="")
    csrf = await h5_session(client, member.id)
    page = await client.get("/h5/member/profile")
    assert page.status_code == 200
    saved = await client.post(
        "/h5/member/profile",
        data={
            "csrf_token": csrf,
            "name": "李雷",
            "gender": "male",
            "birthday": "1990-08-15",
            "birthday_calendar": "lunar",
            "province": "浙江省",
            "city": "杭州市",
            "district": "",
            "address": "",
        },
    )
    assert (saved.status_code, saved.headers["location"]) == (303, "/h5/member?notice=profile")
    stored = await Member.get(id=member.id)
    assert (
        stored.name,
        stored.gender,
        stored.birthday,
        stored.birthday_calendar,
        stored.lunar_birth_month,
        stored.lunar_birth_day,
        stored.province,
        stored.city,
    ) == ("李雷", "male", date(1990, 10, 3), Calendar.LUNAR, 8, 15, "浙江省", "杭州市")
    assert sorted(reward_jobs(published_jobs)) == [
        (member.id, "birthday"),
        (member.id, "gender"),
        (member.id, "name"),
        (member.id, "region"),
    ]
    shown = await client.get("/h5/member/profile")
    assert 'value="1990-08-15"' in shown.text
    assert '<option value="lunar" selected>' in shown.text
    # Cleared and filled again: the field was completed once already, nothing new is earned.
    published_jobs.clear()
    for name in ("", "韩梅梅"):
        await client.post(
            "/h5/member/profile",
            data={
                "csrf_token": csrf,
                "name": name,
                "gender": "male",
                "birthday": "1990-08-15",
                "birthday_calendar": "lunar",
                "province": "浙江省",
                "city": "杭州市",
            },
        )
    assert (await Member.get(id=member.id)).name == "韩梅梅"
    assert reward_jobs(published_jobs) == []
    assert await ProfileCompletion.filter(member_id=member.id).count() == 4


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"birthday": "1990-02-30"}, "生日不是有效的公历日期"),
        ({"city": "杭州市"}, "填写城市前请先填写省份"),
        ({"name": "张" * 40}, "姓名太长"),
        ({"gender": "robot"}, "性别填写有误"),
    ],
    ids=["bad-date", "city-without-province", "long-name", "bad-gender"],
)
async def test_h5_profile_errors_keep_what_was_typed_and_change_nothing(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job], values: dict[str, str], message: str
) -> None:
    member = await make_card_member(name="")
    csrf = await h5_session(client, member.id)
    form = {"csrf_token": csrf, "name": "李雷", "address": "文三路 1 号", **values}
    response = await client.post("/h5/member/profile", data=form)
    assert response.status_code == 422
    assert message in response.text.split('data-testid="profile-error">', 1)[1]
    assert 'value="文三路 1 号"' in response.text
    stored = await Member.get(id=member.id)
    assert (stored.name, stored.address, stored.birthday) == ("", "", None)
    assert reward_jobs(published_jobs) == []
    assert await ProfileCompletion.all().count() == 0


async def test_h5_profile_needs_the_member_session(client: httpx.AsyncClient) -> None:
    member = await make_card_member(name="")
    assert (await client.get("/h5/member/profile")).headers["location"] == "/h5/member"
    await h5_session(client, member.id)
    forged = await client.post("/h5/member/profile", data={"csrf_token": "x", "name": "坏人"})
    assert forged.status_code == 403
    assert (await Member.get(id=member.id)).name == ""


async def test_concurrent_saves_complete_a_field_once(published_jobs: list[jobs.Job]) -> None:
    member = await make_card_member(name="")
    await asyncio.gather(
        *(
            profile.update_profile(
                member.id, ProfileUpdate(name=f"名字{i}"), actor=profile.member_actor(member.id)
            )
            for i in range(8)
        )
    )
    assert reward_jobs(published_jobs) == [(member.id, "name")]
    assert await ProfileCompletion.filter(member_id=member.id).count() == 1


async def test_loyalty_grants_points_from_the_programme_default_once() -> None:
    await make_program(profile_points=20)
    member = await make_card_member()
    results = await asyncio.gather(
        *(loyalty_tasks.reward_profile_field(member.id, "name") for _ in range(5))
    )
    entry = await PointsEntry.get(idempotency_key=f"profile:{member.id}:name")
    assert set(results) == {entry.id}
    assert (entry.delta, entry.kind, entry.source_id) == (20, "profile", "name")
    assert (await Account.get(member_id=member.id)).balance == 20


async def test_configured_points_and_coupon_per_field() -> None:
    await make_program(profile_points=20)
    template = await make_template(per_member_limit=1)
    member = await make_card_member()
    await ProfileReward.create(
        field=ProfileField.BIRTHDAY,
        points=50,
        coupon_template_id=template.id,
        updated_at=member.created_at,
    )
    await ProfileReward.create(
        field=ProfileField.ADDRESS,
        points=0,
        coupon_template_id=template.id,
        updated_at=member.created_at,
    )
    for _ in range(2):
        await loyalty_tasks.reward_profile_field(member.id, "birthday")
        await loyalty_tasks.reward_profile_field(member.id, "address")
    coupons = await Coupon.filter(member_id=member.id).order_by("id")
    assert [c.issue_key for c in coupons] == [
        f"profile:{member.id}:birthday:coupon",
        f"profile:{member.id}:address:coupon",
    ]
    assert (await Account.get(member_id=member.id)).balance == 50
    assert await PointsEntry.all().count() == 1


async def test_a_coupon_that_cannot_be_issued_still_grants_the_points() -> None:
    member = await make_card_member()
    await ProfileReward.create(
        field=ProfileField.NAME, points=10, coupon_template_id=999999, updated_at=member.created_at
    )
    await loyalty_tasks.reward_profile_field(member.id, "name")
    assert (await Account.get(member_id=member.id)).balance == 10
    assert await Coupon.all().count() == 0


async def test_console_edits_the_profile_with_an_audit_entry(
    client: httpx.AsyncClient, published_jobs: list[jobs.Job]
) -> None:
    admin = await make_staff("admin", username="boss")
    member = await make_card_member(name="")
    headers = await bearer(admin)
    saved = await client.put(
        f"/api/v1/members/{member.id}/profile",
        headers=headers,
        json={
            "name": "王五",
            "gender": "female",
            "birthday": "1985-03-08",
            "birthday_calendar": "solar",
            "province": "",
            "city": "",
            "district": "",
            "address": "人民路 8 号",
        },
    )
    assert saved.status_code == 200, saved.text
    stored = await Member.get(id=member.id)
    assert (stored.name, stored.gender, stored.birthday, stored.address) == (
        "王五",
        "female",
        date(1985, 3, 8),
        "人民路 8 号",
    )
    entry = await AuditLog.get(action="member.profile_update")
    assert (entry.actor_id, entry.target_id, entry.after["name"], entry.before["name"]) == (
        admin.id,
        str(member.id),
        "王五",
        "",
    )
    assert sorted(f for _, f in reward_jobs(published_jobs)) == [
        "address",
        "birthday",
        "gender",
        "name",
    ]
    bad = await client.put(
        f"/api/v1/members/{member.id}/profile",
        headers=headers,
        json={"name": "赵六", "birthday": "1985-02-30", "birthday_calendar": "solar"},
    )
    assert bad.status_code == 422
    assert "生日不是有效的公历日期" in bad.text
    assert (await Member.get(id=member.id)).name == "王五"
    assert await AuditLog.filter(action="member.profile_update").count() == 1


async def test_api_profile_and_permissions(client: httpx.AsyncClient) -> None:
    member = await make_card_member(name="")
    body = {"name": "周七", "birthday": "1990-08-15", "birthday_calendar": "lunar"}
    guide = await client.put(
        f"/api/v1/members/{member.id}/profile",
        json=body,
        headers=await bearer(await make_staff("guide")),
    )
    assert guide.status_code == 403
    response = await client.put(
        f"/api/v1/members/{member.id}/profile",
        json=body,
        headers=await bearer(await make_staff("admin")),
    )
    assert response.status_code == 200, response.text
    read = response.json()
    assert (read["birthday"], read["lunar_birth_month"], read["lunar_birth_day"]) == (
        "1990-10-03",
        8,
        15,
    )
    assert read["birthday_this_year"] is not None
    bad = await client.put(
        f"/api/v1/members/{member.id}/profile",
        json={"birthday": "1990-13-40"},
        headers=await bearer(await make_staff("admin")),
    )
    assert (bad.status_code, bad.json()["error"]) == (422, "profile_invalid")


async def test_lunar_birthdays_get_the_birthday_gift_on_this_years_solar_date() -> None:
    tiers = await make_tiers()
    member = await make_card_member()
    await Member.filter(id=member.id).update(
        birthday=date(1990, 10, 3),
        birthday_calendar=Calendar.LUNAR,
        lunar_birth_month=8,
        lunar_birth_day=15,
    )
    await Account.create(member_id=member.id, tier_id=tiers[2].id, created_at=member.created_at)
    assert await birthdays.grant_birthday_gifts(date(2026, 10, 3)) == 0
    assert await birthdays.grant_birthday_gifts(date(2026, 9, 25)) == 1
    assert (await Account.get(member_id=member.id)).balance == 200


async def test_a_lunar_birthday_that_falls_twice_in_a_solar_year_counts_both_days() -> None:
    # Lunar 12-01 of 2026 is 2027-01-08; of 2027 it is 2027-12-28.
    member = await make_card_member()
    await Member.filter(id=member.id).update(
        birthday=date(1990, 1, 17),
        birthday_calendar=Calendar.LUNAR,
        lunar_birth_month=12,
        lunar_birth_day=1,
    )
    found = {
        day: await profile.members_with_birthday_on(day)
        for day in (date(2027, 1, 7), date(2027, 1, 8), date(2027, 12, 28), date(2027, 12, 29))
    }
    assert found == {
        date(2027, 1, 7): [],
        date(2027, 1, 8): [member.id],
        date(2027, 12, 28): [member.id],
        date(2027, 12, 29): [],
    }
