"""The admin index's dashboard (templates/admin/articles/dashboard.html)."""

from django import template

from articles.dashboard import desk_for

register = template.Library()


@register.simple_tag(takes_context=True)
def desk(context):
    """The panels the logged-in user may see (articles.dashboard.desk_for)."""
    return desk_for(context["request"].user)
