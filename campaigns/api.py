"""The campaigns JSON API under /api/v1/campaigns, assembled from the sub-domains' routers."""

from fastapi import APIRouter

import campaigns.permissions  # noqa: F401 - registers the campaigns resources
from campaigns.segments.api import router as segments

router = APIRouter(prefix="/api/v1/campaigns")
router.include_router(segments)
