"""Public URLs of the registry (namespace "registry")."""

from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from .views import calendar, changes, discovery, organisations, releases
from .views import pages as views
from .views.people import person_suggest

app_name = "registry"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path(
        "organisations/<slug:slug>/",
        organisations.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("offices/", views.OfficeListView.as_view(), name="office-list"),
    path("offices/<slug:slug>/", views.OfficeDetailView.as_view(), name="office-detail"),
    path("positions/", views.PositionListView.as_view(), name="position-list"),
    path("positions/<slug:slug>/", views.PositionDetailView.as_view(), name="position-detail"),
    path(
        "appointments/<int:pk>/",
        views.AppointmentDetailView.as_view(),
        name="appointment-detail",
    ),
    path(
        "participations/<int:pk>/",
        views.ParticipationDetailView.as_view(),
        name="participation-detail",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/suggest/", person_suggest, name="person-suggest"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("visits/", views.VisitListView.as_view(), name="visit-list"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("visits/feed/rss/", discovery.VisitRssFeed(), name="visit-feed-rss"),
    path("visits/feed/atom/", discovery.VisitAtomFeed(), name="visit-feed-atom"),
    path("visits/calendar.ics", calendar.VisitCalendarView.as_view(), name="visit-calendar"),
    path("visits/<slug:slug>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("changes/", changes.ChangeListView.as_view(), name="change-list"),
    path("changes/feed/atom/", changes.ChangeAtomFeed(), name="change-feed"),
    path("releases/", releases.ReleaseListView.as_view(), name="release-list"),
    path("releases/latest/", releases.latest_release, name="release-latest"),
    path("releases/feed/atom/", releases.ReleaseAtomFeed(), name="release-feed"),
    path("releases/<int:number>/", releases.ReleaseDetailView.as_view(), name="release-detail"),
    path(
        "releases/<int:number>/<str:name>",
        releases.release_file,
        name="release-file",
    ),
    path("search/", discovery.SearchView.as_view(), name="search"),
]

# At the root of the site, outside the language prefix (partnership_site/urls.py): one
# robots.txt and one sitemap, whose sections list every page in both languages
# (namespace "site").
root_urlpatterns = [
    path(
        "sitemap.xml",
        index,
        {"sitemaps": discovery.SITEMAPS, "sitemap_url_name": "site:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": discovery.SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", discovery.RobotsView.as_view(), name="robots"),
]
