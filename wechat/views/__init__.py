"""Console pages (and the guide H5) of the WeChat channel; thin like api.py."""

from fastapi import APIRouter

from wechat.views import fans, guide, setup

router = APIRouter(include_in_schema=False)
router.include_router(setup.router)
router.include_router(fans.router)
router.include_router(guide.router)
