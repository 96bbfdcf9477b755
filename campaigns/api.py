"""The campaigns JSON API under /api/v1/campaigns, assembled from the sub-domains' routers."""

from fastapi import APIRouter

import campaigns.permissions  # noqa: F401 - registers the campaigns resources
from campaigns.care.api import router as care
from campaigns.mass.api import router as mass
from campaigns.segments.api import router as segments
from campaigns.sends.api import router as sends

router = APIRouter(prefix="/api/v1/campaigns")
for _router in (segments, care, sends, mass):
    router.include_router(_router)
