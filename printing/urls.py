from django.urls import path

from printing import views

urlpatterns = [
    path("<uuid:print_job_id>/", views.print_job, name="print_job"),
    path("<uuid:print_job_id>.pdf", views.print_job_pdf, name="print_job_pdf"),
]
