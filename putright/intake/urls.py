from django.urls import path

from putright.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/spam/", views.inbox_spam, name="inbox_spam"),
    path("inbox/new/", views.item_new, name="item_new"),
    path("inbox/<int:pk>/", views.item, name="item"),
    path("inbox/<int:pk>/decide/", views.item_decide, name="item_decide"),
    path("inbox/<int:pk>/hazard/", views.item_hazard, name="item_hazard"),
    path(
        "service-requests/new/<int:resident_pk>/",
        views.service_request_new,
        name="service_request_new",
    ),
    path("service-requests/<int:pk>/", views.service_request, name="service_request"),
    path(
        "service-requests/<int:pk>/hazard/",
        views.service_request_hazard,
        name="service_request_hazard",
    ),
    path(
        "service-requests/<int:pk>/update/",
        views.service_request_update,
        name="service_request_update",
    ),
    path(
        "service-requests/<int:pk>/dissatisfied/",
        views.service_request_dissatisfied,
        name="service_request_dissatisfied",
    ),
    path("surveys/", views.surveys, name="surveys"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/resolve/", views.mailbox_resolve, name="mailbox_resolve"),
    path("triage/<str:reference>/", views.triage, name="triage"),
]
