"""The readers' cache without a cache server: Django's file cache, which every process of the
machine shares, culled now and then rather than on every write.

Django's FileBasedCache lists its whole folder before each ``set`` to decide whether to cull.
An import batch replaces the versions of every item and tag it touches (articles/reader_cache.py),
hundreds of keys at once, so that listing made each batch cost the size of the folder times
the size of the batch: a 1,000,000-item import spent most of its time globbing. Here a process
looks at the folder once every CULL_EVERY writes; the folder may then hold up to that many
entries a writing process beyond MAX_ENTRIES until the next look culls it.
"""

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 500


class SharedFileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._writes_since_cull = 0

    def _cull(self):
        self._writes_since_cull += 1
        if self._writes_since_cull < CULL_EVERY:
            return
        self._writes_since_cull = 0
        super()._cull()
