"""Reports at /reports/..."""

from django.urls import path, register_converter

from putright.reporting import views, views_exceptional

app_name = "reporting"


class FormatConverter:
    regex = "csv|xlsx|docx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    """A reporting year: four digits within the range a report can cover. Anything else
    (``/reports/tsm/0/``, ``/reports/tsm/99999/``) is a 404, not a date error (a 500)."""

    regex = "[0-9]{4}"
    FIRST, LAST = 2000, 2099

    def to_python(self, value: str) -> int:
        year = int(value)
        if not self.FIRST <= year <= self.LAST:
            raise ValueError(f"{year} is not a reporting year")
        return year

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


class QuarterConverter:
    regex = "[1-4]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(FormatConverter, "fmt")
register_converter(YearConverter, "year")
register_converter(QuarterConverter, "quarter")

urlpatterns = [
    path("", views.index, name="index"),
    path("homes/", views.homes, name="homes"),
    path("tsm/<year:year>/", views.tsm, name="tsm"),
    path("tsm/<year:year>/tsm.<fmt:fmt>", views.tsm_export, name="tsm_export"),
    path("<year:year>/figures/<str:key>/", views.figure_drilldown, name="figure"),
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
    path("annual/<year:year>/", views.annual, name="annual"),
    path("annual/<year:year>/report.pdf", views.annual_pdf, name="annual_pdf"),
    path("annual/<year:year>/notes/", views.annual_notes, name="annual_notes"),
    path(
        "annual/<year:year>/response/",
        views.governing_body_response,
        name="governing_body_response",
    ),
    path("mrc/<year:year>/q<quarter:number>/", views.mrc, name="mrc"),
    path("mrc/<year:year>/q<quarter:number>/pack.pdf", views.mrc_pdf, name="mrc_pdf"),
    path("themes/<year:year>/q<quarter:number>/", views.themes, name="themes"),
    path("learning/", views.learning, name="learning"),
    path("learning/improvements/new/", views.improvement_edit, name="improvement_new"),
    path("learning/improvements/<int:pk>/", views.improvement_edit, name="improvement_edit"),
    path("exceptional/", views_exceptional.exceptional_list, name="exceptional_list"),
    path("exceptional/<int:pk>/", views_exceptional.exceptional, name="exceptional"),
    path(
        "exceptional/<int:pk>/approve/",
        views_exceptional.exceptional_decide,
        {"decision": "approve"},
        name="exceptional_approve",
    ),
    path(
        "exceptional/<int:pk>/refuse/",
        views_exceptional.exceptional_decide,
        {"decision": "refuse"},
        name="exceptional_refuse",
    ),
    path("exceptional/<int:pk>/end/", views_exceptional.exceptional_end, name="exceptional_end"),
    path(
        "exceptional/<int:pk>/notified/",
        views_exceptional.exceptional_notified,
        name="exceptional_notified",
    ),
    path(
        "exceptional/<int:pk>/ombudsman-notification.pdf",
        views_exceptional.exceptional_notification,
        name="exceptional_notification",
    ),
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
