"""People: staff accounts, managed by chief editors within the roles (``articles.people``),
password changes and resets, every one of them in the admin log.

Superusers keep Django's whole UserAdmin. A chief editor sees and changes only the accounts
``people.manageable_users`` lists, with no superuser status and no permissions to give, and
only the roles' groups to choose from: a post naming anything else is a form error or is
ignored, and an account outside their reach is "not found".
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.admin import UserAdmin
from django.urls import path, reverse_lazy

from .. import people
from .base import plural

User = get_user_model()

# What a chief editor edits on an account: never is_superuser nor user_permissions.
CHIEF_EDITOR_FIELDSETS = [
    (None, {"fields": ["username", "password"]}),
    ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
    (
        "Access",
        {
            "fields": ["is_active", "is_staff", "groups"],
            "description": "Untick “Active” to let someone go: their account and what they "
            "did stay in the log. Groups: Editors curate, Importers import, Chief editors "
            "manage people.",
        },
    ),
    ("Important dates", {"fields": ["last_login", "date_joined"]}),
]


class PeopleAdmin(UserAdmin):
    actions = ["deactivate"]

    def limited(self, request):
        return not people.may_manage_everyone(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return people.manageable_users(queryset) if self.limited(request) else queryset

    def get_fieldsets(self, request, obj=None):
        if obj is not None and self.limited(request):
            return CHIEF_EDITOR_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_list_filter(self, request):
        return (
            ["is_active", "groups"] if self.limited(request) else super().get_list_filter(request)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "last_login", "date_joined"] if self.limited(request) else fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and self.limited(request):
            kwargs["queryset"] = people.role_groups()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_staff = True  # accounts made here are the newsroom's staff
        super().save_model(request, obj, form, change)

    @admin.action(description="Deactivate selected accounts", permissions=["change"])
    def deactivate(self, request, queryset):
        """Let people go in bulk: they can no longer log in; their accounts and what they did
        stay. Never one's own account (that would lock its user out mid-way)."""
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request,
                "Expected other people's accounts, found your own among them: nothing changed.",
                messages.ERROR,
            )
            return
        people_left = list(queryset.filter(is_active=True))
        queryset.filter(pk__in=[person.pk for person in people_left]).update(is_active=False)
        people.log_deactivations(request.user, people_left)
        self.message_user(
            request, f"{plural(len(people_left), 'account')} deactivated.", messages.SUCCESS
        )


admin.site.unregister(User)
admin.site.register(User, PeopleAdmin)


class LoggedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation, logged: the person reset their own password."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        people.log_change(self.user, self.user, "Reset their password by email.")
        return response


def logged_password_change(request):
    """The admin's own password change (top-right menu), logged when it succeeds."""
    response = admin.site.password_change(request)
    if request.method == "POST" and response.status_code == 302:
        people.log_change(request.user, request.user, "Changed their own password.")
    return response


# Before the admin's own URLs (newsroom/urls.py): the admin's login page shows "Forgotten
# your password?" once "admin_password_reset" exists; Django's admin templates style them.
urlpatterns = [
    path(
        "password_change/",
        admin.site.admin_view(logged_password_change),
        name="logged_password_change",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        LoggedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
