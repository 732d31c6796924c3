"""Item revisions beyond simple-history's fields: the names of the item's tags, and what
changed between two revisions.

Taggit's manager is no ManyToManyField, so simple-history cannot track tags itself. Whoever
knows an item's tags at the moment of a save or deletion (the admin's form, the delete path)
calls ``remember_tags``; the revision written next keeps their names.
"""

from django.db import models
from simple_history.signals import pre_create_historical_record


class ItemRevision(models.Model):
    """The extra column of each item revision: its tags' names, when known.

    None means a bulk path (an import, an action) that did not look the tags up."""

    tag_names = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


def remember_tags(item, tags):
    """The next revision of item records these tags (instances) by name."""
    item._history_tag_names = sorted(tag.name for tag in tags)


def _record_tag_names(sender, instance, history_instance, **kwargs):
    names = getattr(instance, "_history_tag_names", None)
    if names is not None and isinstance(history_instance, ItemRevision):
        history_instance.tag_names = names


pre_create_historical_record.connect(_record_tag_names, dispatch_uid="articles.history.tag_names")


def revision_changes(older, newer):
    """(field, before, after) for each field that differs between two revisions."""
    delta = newer.diff_against(older, excluded_fields=["updated_at"])
    changes = [(change.field, change.old, change.new) for change in delta.changes]
    if None not in (older.tag_names, newer.tag_names) and older.tag_names != newer.tag_names:
        changes.append(("tags", ", ".join(older.tag_names), ", ".join(newer.tag_names)))
    return changes
