"""Member center H5, loyalty part: points and check-in, coupons, the wheel, the mall, purchases
and tier benefits. The sign-in, layout and brand look come from members.h5kit."""

from pathlib import Path

from fastapi import APIRouter

from loyalty.h5 import account, coupons, mall, points, wheel
from members import h5kit

h5kit.add_template_dir(Path(__file__).parent.parent / "templates")
h5kit.add_static_dir(Path(__file__).parent / "static")
h5kit.add_summary(account.summary)
h5kit.set_profile_points(account.profile_points)
router = APIRouter(prefix="/h5/member", include_in_schema=False)
for part in (points, coupons, wheel, mall, account):
    router.include_router(part.router)
