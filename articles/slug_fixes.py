"""Giving readable slugs to tags that got meaningless ones: before slugs were transliterated
(tag_names.ascii_slug), 北朝鮮 became /tags/tag/ and Россия /tags/tag-2/.

A tag's slug is stale when it is not what its name gives now (``ascii_slug(name)``, or that
with a ``-N`` suffix where another tag had it first). The fix gives it the slug its name
gives now and keeps the old one as a retired slug: the old URL answers a 301.
"""

import re
from dataclasses import dataclass

from django.db import transaction

from . import reader_cache
from .models import Tag, TagOldSlug
from .tag_names import ascii_slug


@dataclass(frozen=True)
class SlugFix:
    tag_name: str
    old: str
    new: str


def is_stale(tag):
    base = ascii_slug(tag.name)
    if not base:
        return False  # nothing to transliterate: the fallback is all there is
    return tag.slug != base and not re.fullmatch(rf"{re.escape(base)}-\d+", tag.slug)


class _DryRun(Exception):
    pass


def fix_tag_slugs(*, dry_run=False):
    """Give each stale tag the slug its name gives now, keeping the old one (301); returns
    the fixes in the tags' order. One transaction; ``dry_run`` computes the very same fixes
    and rolls them back."""
    fixes = []
    try:
        with transaction.atomic():
            for tag in Tag.objects.select_for_update().order_by("pk"):
                if not is_stale(tag):
                    continue
                old, new = tag.slug, tag.available_slug(tag.name)
                TagOldSlug.objects.filter(tag=tag, slug=new).delete()  # its own, reclaimed
                TagOldSlug.objects.create(tag=tag, slug=old)
                tag.slug = new
                tag.save(update_fields=["slug"])
                reader_cache.tag_renamed(tag)
                fixes.append(SlugFix(tag.name, old, new))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return fixes
