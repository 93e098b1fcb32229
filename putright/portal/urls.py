from django.urls import path

from putright.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/<str:token>/", views.redeem, name="redeem"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("complaints/<str:reference>/", views.complaint_detail, name="complaint"),
    path("complaints/<str:reference>/add/", views.add_information, name="add"),
    path("complaints/<str:reference>/stage-2/", views.escalate, name="escalate"),
    path("documents/<int:pk>/", views.attachment, name="attachment"),
]
