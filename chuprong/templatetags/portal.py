from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """An amount of dong grouped the Vietnamese way: 1250000 → "1.250.000"."""
    try:
        return f"{int(amount):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""
