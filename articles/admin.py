from django.contrib import admin

from .models import Digest, ImportRun, Item, Tag


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "edited_at"]
    list_filter = ["status"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def save_model(self, request, obj, form, change):
        # Imports keep what an editor saved: recording who and when is what tells them.
        obj.mark_edited(request.user)
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["name", "tag_name", "page", "imported_at"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "files", "created", "updated", "unchanged", "conflicts"]
