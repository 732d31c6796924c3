"""Cursor pagination by keyset: a page is the rows after the last one of the page before, in
the list's order, so page 1,000 reads what page 1 does (an index range), never the rows
before it. DRF's CursorPagination does not fit: its position is the first ordering field
alone and ties are skipped by an OFFSET, and an import publishes a whole digest at one instant.

The order is total (its last field is unique), so a walk lists every row once, and a row
inserted during a walk never shifts the rows after the cursor. A cursor is opaque: the
position's values signed with the secret key (``django.core.signing``) and bound to the
order it was made in; one tampered with, or made for another order, is a 400.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.db.models.sql.where import AND
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

SALT = "articles.api.cursor"
CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
BAD_CURSOR = "Expected a cursor from the “next” link of a previous page of this list."


@dataclass(frozen=True)
class Keyset:
    """An order of ``model`` (Django's ``order_by`` syntax, e.g. ``("-published_at", "id")``)
    whose last field is unique; ``name`` tells cursors of different orders apart."""

    name: str
    model: type
    order: tuple[str, ...]
    # Names the order and its bounds read instead of the model's fields: columns holding the
    # same values in a table whose index the database should walk (a tag's links).
    through: Mapping[str, str] = field(default_factory=dict)

    @property
    def fields(self):
        return [(name.lstrip("-"), name.startswith("-")) for name in self.order]

    @property
    def ordering(self):
        """The order as ``order_by`` takes it, through ``through``."""
        return [
            f"{'-' if descending else ''}{self.through.get(name, name)}"
            for name, descending in self.fields
        ]

    def position(self, row):
        """The row's place in the order, as text (for a cursor)."""
        return [self.model._meta.get_field(name).value_to_string(row) for name, _ in self.fields]

    def after(self, queryset, position):
        """The rows of ``queryset`` after ``position``, in the order.

        The lexicographic comparison as ORs, led by a bound on the first field alone: the
        index range the database starts from (``published_at <= t``), the rest only
        discards the rows tied with the cursor's. The bound is written first in the WHERE
        clause (``leading``)."""
        values = self._parse(position)
        fields = [(self.through.get(name, name), descending) for name, descending in self.fields]
        names = [name for name, _ in fields]
        alternatives = []
        for depth, (name, descending) in enumerate(fields):
            ties = dict(zip(names[:depth], values[:depth], strict=True))
            beyond = {f"{name}__{'lt' if descending else 'gt'}": values[depth]}
            alternatives.append(Q(**ties, **beyond))
        (first, descending), start = fields[0], values[0]
        bound = Q(**{f"{first}__{'lte' if descending else 'gte'}": start})
        return leading(queryset, bound).filter(reduce(or_, alternatives))

    def _parse(self, position):
        if not isinstance(position, list) or len(position) != len(self.fields):
            raise ValidationError({CURSOR_PARAM: [BAD_CURSOR]})
        try:
            return [
                self.model._meta.get_field(name).to_python(text)
                for (name, _), text in zip(self.fields, position, strict=True)
            ]
        except DjangoValidationError as error:
            raise ValidationError({CURSOR_PARAM: [BAD_CURSOR]}) from error


def leading(queryset, condition):
    """``queryset.filter(condition)``, with ``condition`` first in the WHERE clause.

    SQLite starts an index range at the first bound of the WHERE clause on the column, not at
    the tightest: behind the reading rule's ``published_at <= now``, page 1,000 walked every
    newer row of the index. The cursor's row met every bound of the list, so its own is the
    tightest. PostgreSQL keeps the tightest of them whatever their order (its plan is the
    same). An AND's order changes no row."""
    narrowed = queryset.filter(condition)
    where, before = narrowed.query.where, len(queryset.query.where.children)
    # filter() appended the bound to the AND of the list's conditions: move it to the front.
    if where.connector == AND and not where.negated and len(where.children) > before:
        where.children = where.children[before:] + where.children[:before]
    return narrowed


def encode(keyset, position):
    # Signed without a timestamp: the same page always links the same next cursor, so a
    # cached response is byte for byte a fresh one (signing.dumps would stamp the second).
    return signing.Signer(salt=SALT).sign_object({"k": keyset.name, "p": position})


def decode(keyset, cursor):
    """The position a cursor holds, or a 400 when it was not made by us for this order."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(cursor)
    except signing.BadSignature as error:
        raise ValidationError({CURSOR_PARAM: [BAD_CURSOR]}) from error
    if not isinstance(payload, dict) or payload.get("k") != keyset.name:
        raise ValidationError({CURSOR_PARAM: [BAD_CURSOR]})
    return payload.get("p")


class KeysetPagination(BasePagination):
    """Pages of ``view.get_keyset()``'s order: ``?cursor=`` from the previous page's
    ``next`` link, ``?page_size=`` (1 to MAX_PAGE_SIZE). The queryset must already be in the
    keyset's order. One query a page, whatever its depth; no count (it would read every row)."""

    page_size = 20
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.keyset = view.get_keyset()
        size = self.get_page_size(request)
        cursor = request.query_params.get(CURSOR_PARAM)
        if cursor is not None:
            queryset = self.keyset.after(queryset, decode(self.keyset, cursor))
        rows = list(queryset[: size + 1])
        self.next_position = self.keyset.position(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def get_page_size(self, request):
        text = request.query_params.get(PAGE_SIZE_PARAM)
        if text is None:
            return self.page_size
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= self.max_page_size:
            raise ValidationError(
                {
                    PAGE_SIZE_PARAM: [
                        f"Expected a whole number from 1 to {self.max_page_size}, found “{text}”."
                    ]
                }
            )
        return int(text)

    def get_next_link(self):
        if self.next_position is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, encode(self.keyset, self.next_position))

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR_PARAM,
                "in": "query",
                "required": False,
                "description": "Opaque: the cursor of the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "in": "query",
                "required": False,
                "description": f"Rows a page, {self.page_size} unless given.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
