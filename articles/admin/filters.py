"""The item and tag lists' filters. Typed into a box where a list of choices would not scale;
the dashboard's (conflicts, scheduled soon, recently changed tags) share its rules."""

from django.contrib import admin
from django.utils import timezone

from .. import dashboard, tag_health
from ..models import ImportChange, ImportRun, Item
from ..tag_services import find_tag


class InputFilter(admin.SimpleListFilter):
    """A filter typed into a box: listing every tag or run would not scale."""

    template = "admin/articles/input_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.hidden_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.parameter_name, "p")
            for value in values
        ]

    def has_output(self):
        return True

    def lookups(self, request, model_admin):
        return []


class TagFilter(InputFilter):
    title = "tag"
    parameter_name = "tag"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tag = find_tag(self.value())
        if tag is None:
            return queryset.none()
        return queryset.filter(tagged_items__tag=tag)


class ImportRunFilter(admin.SimpleListFilter):
    title = "import run"
    parameter_name = "run"

    def lookups(self, request, model_admin):
        recent = list(ImportRun.objects.exclude(origin=ImportRun.Origin.UNDO)[:10])
        if (
            self.value()
            and self.value().isdigit()
            and all(str(r.pk) != self.value() for r in recent)
        ):
            recent += list(ImportRun.objects.filter(pk=self.value()))
        return [(str(run.pk), str(run)) for run in recent]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        touched = ImportChange.objects.filter(run_id=self.value(), item__isnull=False)
        return queryset.filter(pk__in=touched.values("item_id"))


class EditedFilter(admin.SimpleListFilter):
    title = "edited by an editor"
    parameter_name = "edited"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No (as imported)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(edited_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(edited_at__isnull=True)
        return queryset


class ConflictFilter(admin.SimpleListFilter):
    """Items whose wire copy differs and waits for the editor (articles.conflicts)."""

    title = "conflict with the wire"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("open", "Open")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.with_open_conflict()
        return queryset


class VisibilityFilter(admin.SimpleListFilter):
    title = "visible to readers"
    parameter_name = "visible"

    def lookups(self, request, model_admin):
        return [
            ("now", "Now"),
            ("scheduled", "Scheduled"),
            ("soon", "Scheduled, next 48 hours"),
            ("no", "Not now"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        live = Item.objects.published(at=now).values("pk")
        if self.value() == "now":
            return queryset.filter(pk__in=live)
        if self.value() == "soon":
            return dashboard.scheduled_soon(queryset, now=now)
        if self.value() == "scheduled":
            return queryset.filter(status=Item.Status.PUBLISHED, published_at__gt=now)
        if self.value() == "no":
            return queryset.exclude(pk__in=live)
        return queryset


class RecentlyChangedTagFilter(admin.SimpleListFilter):
    """Tags made by an import, edited in the admin or merged into, lately."""

    title = "changed"
    parameter_name = "changed"

    def lookups(self, request, model_admin):
        return [("recent", f"In the last {dashboard.RECENT_TAG_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "recent":
            return dashboard.recently_changed_tags(queryset)
        return queryset


class TagUseFilter(admin.SimpleListFilter):
    """The tag health page's lists, whole: tags used once, tags no reader sees."""

    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("once", "Used by one item only"), ("unseen", "No published item")]

    def queryset(self, request, queryset):
        if self.value() == "once":
            return tag_health.used_once(queryset)
        if self.value() == "unseen":
            return tag_health.unseen(queryset)
        return queryset
