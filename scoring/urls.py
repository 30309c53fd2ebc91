from django.urls import path

from scoring import explorer_views, views

app_name = "scoring"

urlpatterns = [
    path("", views.results, name="results"),
    path("<int:cycle>/", views.release, name="latest"),
    path("<int:cycle>/releases/<int:number>/", views.release, name="release"),
    path("method/", explorer_views.method, name="method"),
    path(
        "<int:cycle>/releases/<int:number>/explorer/",
        explorer_views.explorer_page,
        name="explorer",
    ),
    path(
        "<int:cycle>/releases/<int:number>/explorer.json",
        explorer_views.explorer_data,
        name="explorer-data",
    ),
    path("console/", views.console, name="console"),
    path("console/recompute/", views.recompute, name="recompute"),
    path("console/publish/", views.publish, name="publish"),
]
