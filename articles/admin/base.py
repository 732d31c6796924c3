"""Pieces every admin page of the app shares: its own pages, bulk actions' intermediate page,
read-only audit admins, and small display helpers."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from ..importing.reports import plural

__all__ = ["ReadOnlyAdmin", "action_page", "has_app_permission", "lines", "plural", "render_page"]


def render_page(modeladmin, request, template, *, title, crumbs=(), crumb=None, **context):
    """A page of the admin's own under a model (templates extend admin/articles/page.html).

    crumbs: (url, label) between the model's list and the page; crumb: the page's own
    label in the breadcrumbs (its title by default).
    """
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "crumbs": crumbs,
        "crumb": crumb or title,
        **context,
    }
    return TemplateResponse(request, template, context)


def action_page(modeladmin, request, queryset, *, title, form, action, template=None, **extra):
    """The intermediate page of a bulk action (the selection travels in hidden inputs)."""
    return render_page(
        modeladmin,
        request,
        template or "admin/articles/action_form.html",
        title=title,
        queryset=queryset,
        form=form,
        media=modeladmin.media + form.media,
        action=action,
        action_checkbox_name=ACTION_CHECKBOX_NAME,
        **extra,
    )


def has_app_permission(request, codename):
    """Whether the user holds one of the app's own permissions (Meta.permissions)."""
    return request.user.has_perm(f"articles.{codename}")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs and audits: viewed, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def lines(values):
    """Values as a list for a read-only field; "—" when there are none."""
    values = list(values)
    if not values:
        return "—"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((v,) for v in values)))
