from django.urls import path

from putright.people import views

app_name = "people"

urlpatterns = [
    path("", views.resident_list, name="list"),
    path("reviews/", views.reviews, name="reviews"),
    path("<int:pk>/", views.resident_detail, name="resident"),
    path("<int:pk>/representatives/", views.representative_add, name="representative_add"),
    path("<int:pk>/restrictions/", views.restriction_add, name="restriction_add"),
]
