from rest_framework.permissions import BasePermission

from outcomes.models import STAFF_ROLES


class IsStaff(BasePermission):
    """Signed-in staff of any role (not young people): for the schema and its docs."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in STAFF_ROLES)
