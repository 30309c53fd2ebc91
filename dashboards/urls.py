from django.urls import path, re_path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="data"),
    re_path(
        r"^dashboard/export\.(?P<fmt>csv|xlsx)$",
        views.release_export,
        name="release-export",
    ),
    path("dashboard/columns/", views.export_columns, name="columns"),
    path("dashboard/scorecard/", views.find_scorecard, name="find-scorecard"),
    path("dashboard/ministry/", views.ministry, name="ministry"),
    path("dashboard/ministry/data/", views.ministry_data, name="ministry-data"),
    re_path(
        r"^dashboard/ministry/reviews\.(?P<fmt>csv|xlsx)$",
        views.reviews_export,
        name="reviews-export",
    ),
    re_path(
        r"^regions/(?P<code>\d{2}\.\d{2})/scorecard/$",
        views.scorecard,
        name="scorecard",
    ),
    re_path(
        r"^regions/(?P<code>\d{2}\.\d{2})/scorecard/data/$",
        views.scorecard_data,
        name="scorecard-data",
    ),
]
