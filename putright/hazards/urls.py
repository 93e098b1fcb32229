from django.urls import path

from putright.hazards import views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_raise, name="raise"),
    path("compliance/", views.hazard_compliance, name="compliance"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.hazard_step, name="step"),
]
