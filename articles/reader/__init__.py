"""The reader site: public pages, search, feeds and sitemaps over published items only.

- ``http``: site constants and public caching of responses.
- ``queries``: what the pages read, under ``Item.objects.published()``.
- ``search``, ``filters``: full-text search and the filters of search and tag pages.
- ``views``, ``feeds``, ``sitemaps``, ``urls``: the pages themselves.
"""
