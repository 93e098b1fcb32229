from django.urls import path

from putright.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.batch, name="batch"),
    path("template.csv", views.template_csv, name="template-csv"),
    path("template.xlsx", views.template_xlsx, name="template-xlsx"),
]
