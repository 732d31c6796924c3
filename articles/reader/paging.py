"""Pages read from an index: a deep page costs an index range, not the rows before it.

``OFFSET`` pagination over a join reads every row before the page: the last page of a big tag
joined and checked each of its items. Here a page is picked in a subquery over one index that
holds what the reading rule compares (the offset is counted in the index alone), and only the
page's rows are then read by key. The offset is counted from whichever end of the list is
nearer, so the last page costs what the first does.
"""

from django.core.paginator import Paginator


class IndexedList:
    """A list read a slice at a time: ``keys`` (an ordered one-column queryset over an index)
    sliced in a subquery, and ``fetch(sliced_keys)`` the rows of those keys, in order."""

    ordered = True

    def __init__(self, keys, fetch, model):
        self.keys = keys
        self.fetch = fetch
        self.model = model  # ListView names the context variable after it

    def count(self):
        return self.keys.count()

    def rows(self, bottom, top, total):
        """Rows ``bottom`` to ``top`` of ``total``, the offset counted from the nearer end."""
        keys = self.keys
        if bottom > total - top:
            keys, bottom, top = keys.reverse(), total - top, total - bottom
        return self.fetch(keys[max(bottom, 0) : max(top, 0)])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("an IndexedList is read by slices")
        return self.fetch(self.keys[index])


class IndexPaginator(Paginator):
    """A Paginator that reads an IndexedList's page from the nearer end (any other list as
    Django's does)."""

    def page(self, number):
        if not isinstance(self.object_list, IndexedList):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list.rows(bottom, top, self.count), number, self)
