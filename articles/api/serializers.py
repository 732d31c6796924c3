"""What the API shows of an item and of a tag: what the reader pages show, as JSON.

Plain serializers over what the views read (``Item.objects.published().with_tags()``, the
tags' counts): no field reads the database.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..reader.queries import ordered_tags


def absolute(serializer, path):
    return serializer.context["request"].build_absolute_uri(path)


class ItemTagSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    teaser = serializers.ListField(
        source="paragraphs",
        child=serializers.CharField(),
        help_text="The paragraphs exactly as the wire filed them.",
    )
    truncated = serializers.BooleanField(help_text="The wire cut the teaser short (“…”).")
    published_at = serializers.DateTimeField()
    tags = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The item's page on the reader site.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(ItemTagSerializer(many=True))
    def get_tags(self, item):
        tags = ordered_tags(item)
        return ItemTagSerializer(tags, many=True).data

    def get_url(self, item) -> str:
        return absolute(self, item.get_absolute_url())

    def get_api_url(self, item) -> str:
        return absolute(self, reverse("api:item", kwargs={"slug": item.slug}))


class TagSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    item_count = serializers.IntegerField(help_text="Its published items.")
    url = serializers.SerializerMethodField(help_text="The tag's page on the reader site.")
    api_url = serializers.SerializerMethodField()
    items_url = serializers.SerializerMethodField(help_text="Its items in the API.")

    def get_url(self, tag) -> str:
        return absolute(self, tag.get_absolute_url())

    def get_api_url(self, tag) -> str:
        return absolute(self, reverse("api:tag", kwargs={"slug": tag.slug}))

    def get_items_url(self, tag) -> str:
        return absolute(self, f"{reverse('api:items')}?tag={tag.slug}")


class TagDetailSerializer(TagSerializer):
    description = serializers.CharField()
