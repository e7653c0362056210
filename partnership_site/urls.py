from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Partnership Registry"
admin.site.site_title = "Partnership Registry admin"
admin.site.index_title = "Registry records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("registry.api.urls")),
    # Staff previews and share links of unpublished records (registry/views/preview.py).
    path("preview/", include("registry.views.preview")),
    path("", include("registry.urls")),
]

if settings.BENCH_VIEWS:
    # Yardsticks for `make bench` (registry/bench/views.py); off unless BENCH_VIEWS=1.
    urlpatterns.insert(0, path("bench/", include("registry.bench.urls")))
