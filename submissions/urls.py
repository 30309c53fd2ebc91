from django.urls import path

from submissions import views

app_name = "submissions"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/submit/confirm/", views.confirm_submit, name="confirm_submit"),
    path("<int:pk>/documents/new/", views.document_upload, name="upload"),
    path("<int:pk>/documents/<int:doc>/", views.document, name="document"),
    path(
        "<int:pk>/versions/<int:version>/download/",
        views.version_download,
        name="download",
    ),
    path(
        "<int:pk>/versions/<int:version>/status/",
        views.version_status,
        name="status",
    ),
    path(
        "<int:pk>/versions/<int:version>/pages/<int:number>/",
        views.version_page,
        name="page",
    ),
    path("<int:pk>/evidence/new/", views.evidence_form, name="evidence_new"),
    path("<int:pk>/evidence/<int:item>/", views.evidence_form, name="evidence_edit"),
    path(
        "<int:pk>/evidence/<int:item>/file/",
        views.evidence_download,
        name="evidence_download",
    ),
]
