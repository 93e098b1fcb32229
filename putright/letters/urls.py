from django.urls import path

from putright.letters import views

app_name = "letters"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry_view, name="outbox_retry"),
    path(
        "outbox/not-produced/<int:pk>/produce/",
        views.letter_request_retry_view,
        name="request_retry",
    ),
    path("print-queue/", views.print_queue, name="print_queue"),
    path("print-queue/<int:pk>/posted/", views.mark_posted, name="mark_posted"),
    path("<int:pk>/", views.letter_detail, name="letter"),
    path("<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:kind>/", views.template_edit, name="template_edit"),
]
