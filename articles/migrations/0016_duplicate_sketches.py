from django.db import migrations

"""Duplicate keys are now a title's and a sketch of the teaser (articles.duplicates.text_keys):
the keys of 0015 (a sentence's, the title less a word) match none of the new ones, so every
item's are written again. Flags and editors' dismissals are kept."""

CHUNK = 2000


def rewrite_keys(apps, schema_editor):
    from articles.duplicates import text_keys  # pure: the same function as detection's

    Item = apps.get_model("articles", "Item")
    DuplicateKey = apps.get_model("articles", "DuplicateKey")
    DuplicateKey.objects.all().delete()
    last = 0
    while True:
        rows = list(
            Item.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "title", "teaser")[:CHUNK]
        )
        if not rows:
            return
        DuplicateKey.objects.bulk_create(
            DuplicateKey(item_id=pk, key=key)
            for pk, title, teaser in rows
            for key in sorted(text_keys(title, teaser))
        )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_duplicates")]

    # Back to 0015's code, run `manage.py detect_duplicates` for its keys.
    operations = [migrations.RunPython(rewrite_keys, migrations.RunPython.noop)]
