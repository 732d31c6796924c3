# The sitemap index reads the latest change of a published item from this index.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_importchange_kind_item"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-updated_at", "published_at", "unpublish_at"],
                name="articles_item_changes",
            ),
        ),
    ]
