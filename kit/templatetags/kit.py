from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """An amount of dong grouped the Vietnamese way: 1250000 → "1.250.000"."""
    try:
        return f"{int(amount):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping, key):
    """``{{ row.values|get_item:key }}``: a dictionary's value by a variable key."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
