"""Member center H5: 评价 a purchase (/h5/member/orders/{order_id}/review), and the link to it
beside each unreviewed order on the purchases page (through members.h5kit's order actions)."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError as PydanticValidationError
from starlette.datastructures import UploadFile

from analytics.reviews import service
from analytics.reviews.errors import ReviewPicturesInvalidError
from analytics.reviews.schemas import ReviewCreate
from crm_core.errors import CRMError
from crm_core.validation import Id
from members import h5kit

h5kit.add_template_dir(Path(__file__).parent / "templates")
router = APIRouter(prefix="/h5/member", include_in_schema=False)
LABELS = {"stars": "门店评分", "guide_stars": "导购评分", "text": "评价内容", "pictures": "图片"}


def register() -> None:
    h5kit.add_order_actions(service.review_actions)


def _describe(error: PydanticValidationError) -> str:
    parts = []
    for item in error.errors():
        loc = [str(p) for p in item["loc"]]
        label = "商品评分" if loc[0] == "items" else LABELS.get(loc[0], "评价")
        parts.append(f"{label}{'太长' if item['type'] == 'string_too_long' else '填写有误'}")
    return "；".join(dict.fromkeys(parts))


async def _form(
    request: Request,
    member_id: int,
    csrf: str,
    order_id: int,
    values: dict[str, str],
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    order, lines = await service.order_to_review(member_id, order_id)
    return await h5kit.page(
        request,
        "member_review.html",
        csrf_token=csrf,
        order=order,
        lines=lines,
        values=values,
        review_error=error,
        status=status,
    )


@router.get("/orders/{order_id}/review", response_class=HTMLResponse)
async def review_page(order_id: Id, request: Request, me: h5kit.Me) -> Response:
    return await _form(request, me.member_id, me.csrf_token, order_id, {})


@router.post("/orders/{order_id}/review", response_class=HTMLResponse)
async def submit_review(order_id: Id, request: Request) -> Response:
    form = await request.form()
    csrf = str(form.get("csrf_token", ""))[:128]
    member_id = await h5kit.member_for_post(request, csrf)
    values = {k: str(v)[:600] for k, v in form.items() if isinstance(v, str)}
    items = [
        {"product_code": key.removeprefix("item_"), "stars": value}
        for key, value in values.items()
        if key.startswith("item_") and value
    ]
    uploads = [f for f in form.getlist("pictures") if isinstance(f, UploadFile) and f.filename]
    try:
        data = ReviewCreate(
            order_id=order_id,
            stars=values.get("stars") or 0,  # type: ignore[arg-type]
            guide_stars=values.get("guide_stars") or None,  # type: ignore[arg-type]
            text=values.get("text", ""),
            items=items,  # type: ignore[arg-type]
        )
        if len(uploads) > 3:
            raise ReviewPicturesInvalidError()
        files = [(f.filename or "", await f.read(20 * 1024 * 1024 + 1)) for f in uploads]
        data.pictures = await service.save_pictures(member_id, files)
        await service.create_review(member_id, data)
    except PydanticValidationError as error:
        return await _form(
            request, member_id, csrf, order_id, values, error=_describe(error), status=422
        )
    except CRMError as error:
        if error.status_code == 422:
            return await _form(
                request, member_id, csrf, order_id, values, error=error.detail, status=422
            )
        raise
    return await h5kit.redirect_with(
        request, "/h5/member/orders", notice="评价成功，感谢您的反馈！评价奖励积分稍后到账"
    )
