"""Production's URLs plus the benchmark's floors, under /_bench/ (bench/views.py)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("_bench/constant/<int:size>/", views.constant, name="bench_constant"),
    path("_bench/minimal-tag/<slug:slug>/", views.minimal_tag, name="bench_minimal_tag"),
    path("", include("newsroom.urls")),
]
