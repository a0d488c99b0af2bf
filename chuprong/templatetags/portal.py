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


@register.filter
def figure(value) -> str:
    """A report's number as Vietnamese write it: 1.234 and 45,5; "–" for nothing."""
    from chuprong.charts import number

    return number(value)


@register.filter
def cell(row: dict, column) -> str:
    """``{{ row|cell:column }}``: a report table's cell shown by its column's kind."""
    from chuprong.report_files import cell_text

    return cell_text(column.kind, row.get(column.key))
