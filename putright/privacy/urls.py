from django.urls import path

from putright.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.privacy_home, name="home"),
    path("residents/<int:pk>/", views.resident_page, name="resident"),
    path("residents/<int:pk>/export/", views.resident_export, name="export"),
    path("residents/<int:pk>/erase/", views.resident_erase, name="erase"),
]
