"""The content API: published items and tags as read-only JSON (Django REST framework), with
an OpenAPI schema (drf-spectacular).

- ``filters``: the public pages' own FilterSet (tag, several tags, date range, search query).
- ``cursors``: keyset pagination on the list's order, with opaque signed cursors.
- ``views``: thin views over ``Item.objects.published()`` and ``reader.queries``, served from
  the readers' page cache (``reader_pages``) under the same versions as the reader pages.
"""
