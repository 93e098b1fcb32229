from rest_framework.routers import SimpleRouter

from putright.hazards import api

router = SimpleRouter()
router.register("hazards", api.HazardReportViewSet, basename="hazard")

urlpatterns = router.urls
