"""Guide workbench H5 at /h5/guide: my QR poster, my fans, my ranking (console login)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crm_core.http import content_disposition
from crm_core.validation import Id
from crm_core.web.console import render
from wechat.service import guide, qrcodes
from wechat.views._shell import Console

router = APIRouter(prefix="/h5/guide")


@router.get("", response_class=HTMLResponse)
async def workbench(request: Request, principal: Console) -> Response:
    return await render(request, "guide_h5.html", **await guide.workbench(principal.staff_id))


@router.get("/poster/{qrcode_id}.png")
async def my_poster(qrcode_id: Id, principal: Console) -> Response:
    name, image = await qrcodes.poster(principal, qrcode_id)
    return Response(image, media_type="image/png", headers=content_disposition(name, inline=True))
