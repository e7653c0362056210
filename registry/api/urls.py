"""URLs of the API (namespace "api"): /api/v1/..., /api/schema/, /api/docs/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import changes, releases, views

app_name = "api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("countries", views.CountryViewSet, basename="country")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("offices", views.OfficeViewSet, basename="office")
router.register("positions", views.PositionViewSet, basename="position")
router.register("people", views.PersonViewSet, basename="person")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("events", views.EventViewSet, basename="event")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("sources", views.SourceViewSet, basename="source")
router.register("changes", changes.PublicChangeViewSet, basename="change")
router.register("releases", releases.ReleaseViewSet, basename="release")

urlpatterns = [
    path("v1/", include(router.urls)),
    re_path(r"^v1/", views.not_found),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (docs/?script=): the
    # Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
