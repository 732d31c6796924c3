"""Who a chief editor may manage, and the admin log of what is done to people.

A chief editor (``roles.CHIEF_EDITORS``) manages the newsroom's staff within the roles: the
accounts that are not superusers, hold no permission of their own and belong to no group but
the roles' groups. Anyone else might hold more than a chief editor may give, so setting
their password would be a way in: such accounts are not even listed. Superusers manage
everyone, as Django's admin does.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import ROLES


def may_manage_everyone(user):
    return user.is_active and user.is_superuser


def role_groups():
    """The groups a chief editor may give: the roles', nothing else."""
    return Group.objects.filter(name__in=ROLES).order_by("name")


def manageable_users(queryset=None):
    """The accounts a chief editor may change: within the roles, nothing more."""
    queryset = get_user_model().objects.all() if queryset is None else queryset
    return (
        queryset.filter(is_superuser=False)
        .exclude(user_permissions__isnull=False)
        .exclude(groups__in=Group.objects.exclude(name__in=ROLES))
    )


def log_change(actor, person, message):
    """One line in the admin log (a person's History), as the admin logs its own changes."""
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[person], action_flag=CHANGE, change_message=message
    )


def log_deactivations(actor, persons):
    """One line a person (one INSERT for all), as the change form would log "Active"."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=persons,
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Active"]}}],
    )
