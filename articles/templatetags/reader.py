"""Template helpers for the reader site."""

from django import template
from django.utils import timezone

from articles.reader import search

register = template.Library()


@register.filter
def highlight(text, words):
    """``{{ item.title|highlight:highlight_words }}``: escaped text, matches in <mark>."""
    return search.highlight(text, words)


@register.filter
def iso(moment):
    """ISO 8601 for ``<time datetime>``, to the second, in the site's time zone."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else ""
