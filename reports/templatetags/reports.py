from django import template

from reports.charts import number
from reports.files import cell_text

register = template.Library()


@register.filter
def figure(value) -> str:
    """A report's number as Vietnamese write it: 1.234 and 45,5; "–" for nothing."""
    return number(value)


@register.filter
def cell(row: dict, column) -> str:
    """``{{ row|cell:column }}``: a report table's cell shown by its column's kind."""
    return cell_text(column.kind, row.get(column.key))
