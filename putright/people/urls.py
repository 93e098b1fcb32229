from django.urls import path

from putright.people import views

app_name = "people"

urlpatterns = [
    path("", views.resident_list, name="list"),
    path("reviews/", views.reviews, name="reviews"),
    path("<int:pk>/", views.resident_detail, name="resident"),
    path("<int:pk>/representatives/", views.representative_add, name="representative_add"),
    path("<int:pk>/restrictions/", views.restriction_add, name="restriction_add"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("<int:pk>/vulnerabilities/", views.vulnerability_add, name="vulnerability_add"),
    path("restrictions/<int:pk>/review/", views.restriction_review, name="restriction_review"),
    path("<slug:kind>/<int:pk>/review/", views.support_review, name="support_review"),
    path(
        "representatives/<int:pk>/authorise/",
        views.representative_authorise,
        name="representative_authorise",
    ),
    path("representatives/<int:pk>/end/", views.representative_end, name="representative_end"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("merges/<int:pk>/reverse/", views.merge_reverse, name="merge_reverse"),
]
