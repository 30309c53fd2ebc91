from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import errors, packages, token_views, views
from reviews import api as reviews_api
from submissions import api as submissions_api

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("scores", views.ScoresViewSet, basename="score")
router.register("submissions", submissions_api.SubmissionViewSet, basename="submission")
router.register("assignments", reviews_api.AssignmentViewSet, basename="assignment")
router.register("reviews", reviews_api.ReviewViewSet, basename="review")

urlpatterns = [
    re_path(
        r"^v1/releases/(?P<pk>[^/]+)/package\.zip$",
        packages.release_package,
        name="release-package",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's settings as a script file: no inline
    # script, as the Content-Security-Policy requires.
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"
    ),
    path("tokens/", token_views.tokens, name="api-tokens"),
    path("tokens/<int:pk>/revoke/", token_views.revoke, name="api-token-revoke"),
    # Keep last (add routes above it): any other path under /api/ is the JSON
    # 404. Only paths ending in "/", so APPEND_SLASH still redirects the rest.
    re_path(r"^.*/$", errors.not_found),
]
