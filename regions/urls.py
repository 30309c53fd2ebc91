from django.urls import path, re_path

from regions import views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="list"),
    re_path(r"^(?P<code>\d{2}\.\d{2})/$", views.region_detail, name="detail"),
]
