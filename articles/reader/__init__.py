"""The reader site: public pages, search, feeds and sitemaps over published items only.

- ``http``: site constants, public caching headers, and what each page's cache entry depends
  on (``articles.reader_cache`` keeps the entries).
- ``queries``, ``paging``: what the pages read, under the one reading rule, a page at a time
  from one index.
- ``search``, ``filters``: full-text search and the filters of search and tag pages.
- ``views``, ``feeds``, ``sitemaps``, ``urls``: the pages themselves.
"""
