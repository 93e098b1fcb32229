from django.urls import path

from putright.web import views

app_name = "web"
urlpatterns = [
    path("jobs/", views.scheduled_jobs, name="scheduled-jobs"),
]
