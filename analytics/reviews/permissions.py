"""Function permissions of reviews; imported by analytics.reviews.api so they register once.

analytics.review:view lists reviews and word clouds; :reply answers them; :edit changes the
segmentation dictionary and stopwords.
"""

from crm_core.permissions import Action, Resource, register_resource

register_resource(
    Resource(
        "analytics.review",
        "评价",
        "Reviews",
        "数据分析",
        "Analytics",
        (Action.VIEW, Action.REPLY, Action.EDIT),
    )
)
