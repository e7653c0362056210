"""Bench-only URLs, included under /bench/ only when settings.BENCH_VIEWS is on."""

from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("bare/", views.bare, name="bare"),
    path("visit-values/", views.visit_values, name="visit-values"),
]
