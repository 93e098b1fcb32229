"""The intake API (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from putright.intake import api, recognition_api

router = SimpleRouter()
router.register("intake/items", api.IntakeItemViewSet, basename="intake-item")

urlpatterns = [
    *recognition_api.urlpatterns,
    *router.urls,
]
