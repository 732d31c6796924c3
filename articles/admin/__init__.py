"""The editors' admin. One module a subject; importing them registers their ModelAdmins.

- ``base``: pages of our own, bulk actions' intermediate page, read-only audits, helpers.
- ``fields``, ``forms``: what editors type, validated; ``filters``: the item list's filters.
- ``items``, ``tags``, ``imports``: the ModelAdmins; ``paginators``: counting huge tables.
- ``tag_records``: the records of merges, renames and deletions of tags, and their undo.
- ``people``: staff accounts for chief editors, password changes and resets, all logged.
"""

from django.contrib import admin

from . import imports, items, people, tag_records, tags

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Curate items and tags, import digests"
# The index opens on the desk's day (articles.dashboard), above the list of models.
admin.site.index_template = "admin/articles/dashboard.html"

__all__ = ["imports", "items", "people", "tag_records", "tags"]
