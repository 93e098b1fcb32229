from django.urls import path

from putright.intake import public_views

app_name = "complain"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("check-your-answers/", public_views.check, name="check"),
    path("complaint-sent/", public_views.confirmation, name="confirmation"),
    path("<slug:name>/", public_views.step, name="step"),
]
