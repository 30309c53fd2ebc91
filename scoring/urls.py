from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.results, name="results"),
    path("<int:cycle>/", views.release, name="latest"),
    path("<int:cycle>/releases/<int:number>/", views.release, name="release"),
    path("console/", views.console, name="console"),
    path("console/recompute/", views.recompute, name="recompute"),
    path("console/publish/", views.publish, name="publish"),
]
