from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from registry.urls import root_urlpatterns
from registry.views.health import healthz

admin.site.site_header = "Partnership Registry"
admin.site.site_title = "Partnership Registry admin"
admin.site.index_title = "Registry records"

urlpatterns = [
    # Answered by HealthCheckMiddleware before this list is read; routed here so that it can be
    # reversed and still works should the middleware be removed.
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("registry.api.urls")),
    # Served at the root whatever the language: robots.txt and the sitemap index.
    path("", include((root_urlpatterns, "site"))),
]
# The public pages in each language: /en/... and /fr/...; an address without a language
# redirects to the one the visitor's browser prefers (Accept-Language).
urlpatterns += i18n_patterns(
    # Staff previews and share links of unpublished records (registry/views/preview.py).
    path("preview/", include("registry.views.preview")),
    path("", include("registry.urls")),
    prefix_default_language=True,
)

if settings.BENCH_VIEWS:
    # Yardsticks for `make bench` (registry/bench/views.py); off unless BENCH_VIEWS=1.
    urlpatterns.insert(0, path("bench/", include("registry.bench.urls")))
