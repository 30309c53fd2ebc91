from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/save/", views.autosave, name="autosave"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("cycle/<int:cycle>/region/<str:region>/", views.region, name="region"),
    path(
        "cycle/<int:cycle>/region/<str:region>/consensus/",
        views.consensus,
        name="consensus",
    ),
    path(
        "cycle/<int:cycle>/region/<str:region>/revision/",
        views.revision,
        name="revision",
    ),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/balance/", views.balance, name="balance"),
    path("audit/", views.audit, name="audit"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("appeals/<int:submission>/", views.appeals, name="appeals"),
    path("appeal/<int:pk>/", views.appeal, name="appeal"),
]
