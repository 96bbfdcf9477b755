"""Named jobs the campaigns engine consumes; loyalty publishes them after commit."""

POINTS_CHANGED = "campaigns.on_points_changed"
TIER_CHANGED = "campaigns.on_tier_changed"
COUPON_ISSUED = "campaigns.on_coupon_issued"
COUPON_EXPIRING = "campaigns.on_coupon_expiring"
MEMBER_BIRTHDAY = "campaigns.on_member_birthday"
