"""Pieces every admin page of the app shares: its own pages, bulk actions' intermediate page,
read-only audit admins, and small display helpers."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from ..importing.reports import plural

__all__ = [
    "ReadOnlyAdmin",
    "action_page",
    "changeable_object",
    "has_app_permission",
    "lines",
    "on_change_form",
    "plural",
    "render_page",
]


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


def changeable_object(modeladmin, request, object_id):
    """The object whose change form's own button posted (a suggested tag, "Not a
    duplicate"): a 404 for an unknown id, a 403 for one who may not change it."""
    obj = modeladmin.get_object(request, unquote(object_id))
    if obj is None:
        name = modeladmin.opts.verbose_name
        raise Http404(f"expected the id of an existing {name}, found {object_id[:40]!r}")
    if not modeladmin.has_change_permission(request, obj):
        raise PermissionDenied
    return obj


def on_change_form(request, url_name):
    """Whether the request is for the admin page of that URL name (a change form, not
    simple-history's revert form, which shares its fields)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == url_name


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
