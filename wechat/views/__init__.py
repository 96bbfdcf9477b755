"""The guide H5 of the WeChat channel (its console pages are the SPA's, over /api/v1)."""

from fastapi import APIRouter

from wechat.views import guide

router = APIRouter(include_in_schema=False)
router.include_router(guide.router)
