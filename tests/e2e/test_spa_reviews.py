"""评价管理, 分词词典 and 评价词云 in the system Chromium, and the member center's 评价 form on a
phone: each form once valid (exact database values) and once invalid (the Chinese error shown,
the database unchanged); a word of the cloud opens the reviews that contain it."""

from typing import Any
from urllib.parse import urlsplit

import pytest

from analytics.reviews import service
from analytics.reviews.models import Review, SegmentWord
from crm_core import clock, security
from tests.analytics.test_reviews import create, world
from tests.e2e.spa import field_error, open_console, submit

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}


async def test_staff_reply_edit_words_and_click_a_word(live_server: str, browser: Any) -> None:
    w = await world()
    good = await service.create_review(w["member"].id, create(w["orders"][0].id))
    await service.rollup_day(clock.local_now().date())
    tab = await open_console(browser, live_server, w["marketer"].username)
    page = tab.page

    await tab.goto("/admin/reviews")
    await page.click(f"[data-test=reply-{good.id}]")
    await submit(tab, "reply-save", sends=False)
    assert await field_error(tab).inner_text() == "请填写回复内容"
    assert await Review.filter(id=good.id).values_list("reply", flat=True) == [""]
    await page.locator("textarea[name=reply]").fill("感谢您的支持")
    await submit(tab, "reply-save")
    assert await Review.filter(id=good.id).values_list("reply", flat=True) == ["感谢您的支持"]

    await tab.goto("/admin/review-words")
    await page.locator("input[name=word]").fill("羊 毛")
    await submit(tab, "word-add", sends=False)
    assert await field_error(tab).inner_text() == "词语须为 1–32 个字，不含空格"
    assert await SegmentWord.all().count() == 0
    await page.locator("input[name=word]").fill("羊毛衫")
    await submit(tab, "word-add")
    assert await SegmentWord.all().values_list("kind", "word", "enabled") == [
        ("dict", "羊毛衫", True)
    ]
    await page.locator("[data-test=dict-words]", has_text="羊毛衫").wait_for()

    await tab.goto("/admin/review-cloud")
    await page.locator("[data-test=cloud-good] a", has_text="面料").click()
    picked = page.locator("[data-test=picked]")
    await picked.locator("td", has_text="面料质感不错").wait_for()
    assert "包含「面料」的好评（1 条）" in await picked.inner_text()
    await tab.screenshot("review-cloud")
    tab.assert_clean()
    await tab.close()


async def test_a_member_reviews_an_order_on_the_phone(live_server: str, browser: Any) -> None:
    w = await world()
    order = w["orders"][0]
    token, _ = await security.create_session(w["member"].id, kind="member", ttl_seconds=3600)
    context = await browser.new_context(**PHONE)
    await context.add_cookies(
        [
            {
                "name": "scrm_member",
                "value": token,
                "domain": urlsplit(live_server).hostname,
                "path": "/h5/member",
            }
        ]
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{live_server}/h5/member/orders")
    await page.click(f"[data-testid=order-action-{order.id}]")
    await page.locator("[data-testid=review-form]").wait_for()
    await page.fill("textarea[name=text]", "面料很舒服")
    await page.click("[data-testid=review-submit]")
    assert "门店评分填写有误" in await page.inner_text("[data-testid=review-error]")
    assert await Review.all().count() == 0
    assert await page.input_value("textarea[name=text]") == "面料很舒服"
    await page.select_option("select[name=stars]", "5")
    await page.select_option("select[name=item_P1]", "4")
    await page.click("[data-testid=review-submit]")
    await page.wait_for_url(f"{live_server}/h5/member/orders")
    assert "评价成功" in await page.inner_text("[role=status]")
    review = await Review.get(order_id=order.id)
    assert (review.stars, review.text, review.sentiment) == (5, "面料很舒服", "good")
    assert await page.locator(f"[data-testid=order-action-{order.id}]").count() == 0
    assert errors == []
    await context.close()
