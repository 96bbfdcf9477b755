"""The member center's 评价: the link beside an unreviewed purchase, the form, a refused form
re-rendered with the reason and nothing written, pictures stored, a second review refused."""

from typing import Any

import httpx

from analytics.reviews.models import Review, ReviewItem, ReviewTerm
from crm_core import storage
from tests.analytics.test_reviews import frozen, world  # noqa: F401 - the shared clock and data
from tests.members.support import h5_session

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


async def counts() -> tuple[int, int, int]:
    return (
        await Review.all().count(),
        await ReviewItem.all().count(),
        await ReviewTerm.all().count(),
    )


async def test_a_member_reviews_a_purchase_from_the_orders_page(
    client: httpx.AsyncClient, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(storage, "backend", lambda: storage.DiskBackend(tmp_path))
    w = await world()
    order = w["orders"][0]
    csrf = await h5_session(client, w["member"].id)
    page = await client.get("/h5/member/orders")
    assert page.status_code == 200
    assert f'href="/h5/member/orders/{order.id}/review"' in page.text
    assert f"/h5/member/orders/{w['orders'][2].id}/review" not in page.text  # not theirs
    form = await client.get(f"/h5/member/orders/{order.id}/review")
    assert form.status_code == 200
    assert "羊毛衫" in form.text

    bad = await client.post(
        f"/h5/member/orders/{order.id}/review",
        data={"csrf_token": csrf, "text": "很好"},
    )
    assert bad.status_code == 422
    assert "门店评分填写有误" in bad.text
    assert await counts() == (0, 0, 0)
    pdf = await client.post(
        f"/h5/member/orders/{order.id}/review",
        data={"csrf_token": csrf, "stars": "5"},
        files={"pictures": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
    )
    assert pdf.status_code == 422
    assert "最多上传 3 张图片" in pdf.text
    assert await counts() == (0, 0, 0)

    ok = await client.post(
        f"/h5/member/orders/{order.id}/review",
        data={"csrf_token": csrf, "stars": "4", "item_P1": "2", "text": "面料质感不错，尺码偏大"},
        files={"pictures": ("a.png", PNG, "image/png")},
    )
    assert ok.status_code == 303
    assert ok.headers["location"] == "/h5/member/orders"
    review = await Review.get(order_id=order.id)
    assert (review.stars, review.sentiment, review.text) == (4, "good", "面料质感不错，尺码偏大")
    assert len(review.pictures) == 1
    assert await storage.read(review.pictures[0]) == PNG
    assert await ReviewItem.filter(review=review).values_list("product_code", "stars") == [
        ("P1", 2)
    ]
    after = await client.get("/h5/member/orders")
    assert f"/h5/member/orders/{order.id}/review" not in after.text
    again = await client.get(f"/h5/member/orders/{order.id}/review")
    assert again.status_code == 409
