from django.urls import path

from emboss import views

urlpatterns = [
    path("kaart-van-thuis/", views.take_up_home_card, name="emboss_take_up_home"),
]
