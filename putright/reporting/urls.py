"""Reports at /reports/..."""

from django.urls import path, register_converter

from putright.reporting import views

app_name = "reporting"


class FormatConverter:
    regex = "csv|xlsx|docx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("", views.index, name="index"),
    path("homes/", views.homes, name="homes"),
    path("tsm/<int:year>/", views.tsm, name="tsm"),
    path("tsm/<int:year>/tsm.<fmt:fmt>", views.tsm_export, name="tsm_export"),
    path("<int:year>/figures/<str:key>/", views.figure_drilldown, name="figure"),
    path("self-assessment/", views.self_assessments, name="self_assessments"),
    path("self-assessment/<int:pk>/", views.self_assessment, name="self_assessment"),
    path(
        "self-assessment/<int:pk>/provision/<str:provision>/",
        views.self_assessment_row,
        name="self_assessment_row",
    ),
    path(
        "self-assessment/<int:pk>/measure/",
        views.self_assessment_measure,
        name="self_assessment_measure",
    ),
    path(
        "self-assessment/<int:pk>/approve/",
        views.self_assessment_approve,
        name="self_assessment_approve",
    ),
    path(
        "self-assessment/<int:pk>/self-assessment.<fmt:fmt>",
        views.self_assessment_export,
        name="self_assessment_export",
    ),
    path("annual/<int:year>/", views.annual, name="annual"),
    path("annual/<int:year>/report.pdf", views.annual_pdf, name="annual_pdf"),
    path("annual/<int:year>/notes/", views.annual_notes, name="annual_notes"),
    path("mrc/<int:year>/q<int:number>/", views.mrc, name="mrc"),
    path("mrc/<int:year>/q<int:number>/pack.pdf", views.mrc_pdf, name="mrc_pdf"),
    path("themes/<int:year>/q<int:number>/", views.themes, name="themes"),
    path("learning/", views.learning, name="learning"),
    path("learning/improvements/new/", views.improvement_edit, name="improvement_new"),
    path("learning/improvements/<int:pk>/", views.improvement_edit, name="improvement_edit"),
    path("ombudsman/", views.ombudsman_cases, name="ombudsman_cases"),
    path("ombudsman/<int:pk>/", views.ombudsman_case, name="ombudsman_case"),
    path(
        "ombudsman/requests/<int:pk>/sent/",
        views.ombudsman_request_sent,
        name="ombudsman_request_sent",
    ),
    path(
        "ombudsman/orders/<int:pk>/complete/",
        views.ombudsman_order_complete,
        name="ombudsman_order_complete",
    ),
]
