from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assessments import views as assessment_views
from smartcity import health

handler500 = "smartcity.errors.server_error"

admin.site.site_header = _("Smart City Readiness back office")
admin.site.site_title = _("Smart City Readiness back office")

urlpatterns = [
    path("", assessment_views.home, name="home"),
    path("", include("dashboards.urls")),
    path("regions/", include("regions.urls")),
    path("workspace/", include("submissions.urls")),
    path("notifications/", include("notifications.urls")),
    path("reviews/", include("reviews.urls")),
    path("results/", include("scoring.urls")),
    path("api/", include("api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
