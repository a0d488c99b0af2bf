"""Small response helpers shared by the apps' views."""

from django.conf import settings
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def public_url(request, path: str) -> str:
    """The address printed on paper or in a QR code: PUBLIC_BASE_URL when set."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


def file_response(content: bytes, filename: str, content_type: str, *, inline: bool = False):
    """A download (or an inline PDF) with an ASCII file name."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, filename, "application/pdf", inline=True)


def int_param(value: str | None) -> int | None:
    """A positive id from a query string, or None for anything else."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None
