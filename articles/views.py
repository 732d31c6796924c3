"""The reader site. For now a plain listing of what was imported; the reader-site issue
turns these into the full public pages."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Item, Tag
from .tags import old_slug_redirect


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "items"
    paginate_by = 20

    def get_queryset(self):
        return Item.objects.published().with_tags()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Q(tagged_items__content_object__in=Item.objects.published())
        context["tags"] = (
            Tag.objects.annotate(item_count=Count("tagged_items", filter=published))
            .filter(item_count__gt=0)
            .order_by("name")
        )
        return context


class TagView(ListView):
    template_name = "articles/tag.html"
    context_object_name = "items"
    paginate_by = 10

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Item.objects.published().for_tag(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A slug retired by a rename or merge: 301 to the tag's page (no cost otherwise).
            redirect = old_slug_redirect(request, kwargs["slug"])
            if redirect is None:
                raise
            return redirect


class ItemView(DetailView):
    template_name = "articles/item.html"
    context_object_name = "item"

    def get_queryset(self):
        return Item.objects.published().with_tags()
