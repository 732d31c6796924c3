"""The admin's Preview link on an item's change form (templates/admin/articles/item/)."""

from django import template

from articles import previews

register = template.Library()


@register.simple_tag
def item_preview_url(item):
    """A fresh signed preview link for ``item`` if readers cannot see it now, else ""."""
    if item is None or item.pk is None or not previews.needs_preview(item):
        return ""
    return previews.preview_url(item)
