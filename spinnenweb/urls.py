from django.urls import path

from spinnenweb import views

urlpatterns = [
    path("van-thuis/", views.take_up_home_web, name="spinnenweb_take_up_home"),
]
