"""Template context every page gets."""

from django.conf import settings


def portal_area(_request) -> dict[str, str]:
    """The place the deployment serves (``PORTAL_AREA``), named in the header and footer."""
    return {"PORTAL_AREA": settings.PORTAL_AREA}
