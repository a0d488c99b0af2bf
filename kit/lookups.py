"""ORM lookups the project registers once, for every model (see ChuprongConfig.ready).

``IntegerFieldIn``: ``pk__in=[...]`` with a number the column cannot hold matches
nothing, as Django already does for ``exact``, ``gt`` and the like
(``IntegerFieldOverflow``), instead of raising. Without it, a form's
multiple choice (``ModelMultipleChoiceField``: the admin's categories, the
volunteers ticked on a sheet) posted with ``id=999…9`` is a 500 on SQLite
("Python int too large to convert to SQLite INTEGER").
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
