"""The intake API (mounted under /api/v1/)."""

from putright.intake import recognition_api

urlpatterns = [
    *recognition_api.urlpatterns,
]
