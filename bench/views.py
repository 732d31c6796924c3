"""The pages' floors: what serving a page costs before the product does anything.

- ``constant``: ``size`` bytes of HTML, no database: Django's request cycle and the server.
- ``minimal_tag``: the 10 first items of a tag in two plain queries (the tag by slug, then
  its 10 first links in page order, by the (tag, position) index, and their published items)
  and a bare template; what a tag page cannot go below. The links are taken first, in a
  subquery with its own LIMIT, so that the plan is the same with or without the planner's
  statistics (the bench never runs ANALYZE: that is the product's to do).

Both pass through the same middleware as the product's pages, on the same gunicorn.
"""

from django.db import connection
from django.http import Http404, HttpResponse
from django.template import engines
from django.utils import timezone

PAGE_SIZE = 10

_TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>{{ tag }}</title><h1>{{ tag }}</h1>"
    "{% for title, slug, teaser in items %}"
    '<article><h2><a href="/items/{{ slug }}/">{{ title }}</a></h2>'
    "<p>{{ teaser|linebreaksbr }}</p></article>{% endfor %}"
)

_ITEMS = (
    "SELECT i.title, i.slug, i.teaser FROM (SELECT content_object_id, position "
    "FROM articles_taggeditem WHERE tag_id = %s ORDER BY position LIMIT %s) t "
    "JOIN articles_item i ON i.id = t.content_object_id "
    "WHERE i.status = 'published' AND i.published_at <= %s "
    "AND (i.unpublish_at IS NULL OR i.unpublish_at > %s) ORDER BY t.position"
)


def constant(request, size):
    body = b"<!doctype html><title>constant</title>"
    return HttpResponse(body + b"x" * max(0, size - len(body)))


def minimal_tag(request, slug):
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM articles_tag WHERE slug = %s", [slug])
        tag = cursor.fetchone()
        if tag is None:
            raise Http404(slug)
        cursor.execute(_ITEMS, [tag[0], PAGE_SIZE, now, now])
        items = cursor.fetchall()
    return HttpResponse(_TEMPLATE.render({"tag": tag[1], "items": items}))
