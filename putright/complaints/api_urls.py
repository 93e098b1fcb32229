from rest_framework.routers import DefaultRouter

from putright.complaints import api

router = DefaultRouter()
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("remedies", api.RemedyViewSet, basename="remedy")
router.register("actions", api.ActionViewSet, basename="action")
router.register("follow-ups", api.FollowUpListViewSet, basename="follow-up")
router.register("referrals", api.ReferralViewSet, basename="referral")
router.register("residents", api.ResidentViewSet, basename="resident")
router.register("categories", api.CategoryViewSet, basename="category")
router.register("profile", api.ProfileViewSet, basename="profile")
router.register("drafts", api.DraftViewSet, basename="draft")

urlpatterns = router.urls
