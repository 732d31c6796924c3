from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("items/<slug:slug>/", views.ItemView.as_view(), name="item"),
]
