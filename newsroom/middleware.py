"""Response headers: the admin's addition to the Content-Security-Policy, and
Permissions-Policy (Django has no setting for it)."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's CONTENT_SECURITY_POLICY everywhere; under the admin's URL, with
    CONTENT_SECURITY_POLICY_ADMIN_UPDATE added (what its third-party templates need)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.update is None
            and request.path_info.startswith(reverse("admin:index"))
        ):
            parts.update = settings.CONTENT_SECURITY_POLICY_ADMIN_UPDATE
        return parts


def permissions_policy(get_response):
    """Send settings.PERMISSIONS_POLICY as the Permissions-Policy header of every response."""

    def middleware(request):
        response = get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
