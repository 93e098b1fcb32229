"""Staff pages: the work queue at /, complaints under /complaints/, the dashboard."""

from django.urls import path

from putright.complaints import views, views_compensation

app_name = "complaints"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("complaints/new/", views.log_complaint, name="log"),
    path(
        "compensation-schedule/",
        views_compensation.compensation_schedule,
        name="compensation_schedule",
    ),
    path("complaints/<str:reference>/", views.case, name="case"),
    path(
        "complaints/<str:reference>/documents/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "complaints/<str:reference>/extend/preview/",
        views.extension_preview,
        name="extension_preview",
    ),
    path("complaints/<str:reference>/<slug:action>/", views.case_action, name="action"),
]
