from django.http import HttpRequest

from accounts.models import Role
from accounts.roles import role_of


def role(request: HttpRequest) -> dict[str, object]:
    """The user's role for the navigation (no query for visitors)."""
    user = getattr(request, "user", None)
    current = role_of(user) if user is not None and user.is_authenticated else None
    return {"role": current.value if current else "", "Role": Role}
