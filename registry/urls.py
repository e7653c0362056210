"""Public URLs of the registry (namespace "registry")."""

from django.urls import path

from .views import pages as views

app_name = "registry"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("offices/<slug:slug>/", views.OfficeDetailView.as_view(), name="office-detail"),
    path("positions/<slug:slug>/", views.PositionDetailView.as_view(), name="position-detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("visits/<slug:slug>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
]
