"""The public progress pages: a commune's figures, its province's communes side by side.

Anyone may read them (no sign-in): counts only, never a person (reports/public.py).
"""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from reports import charts, public


@require_GET
def commune_progress(request, slug: str):
    progress = public.commune_progress(public.public_commune(slug), timezone.localdate())
    chart = charts.bar_chart(
        progress.figures.months,
        unit=pgettext("help given", "visits"),
        title=_("Visits to help residents, month by month this year"),
        empty_text=_("No visit yet this year"),
    )
    return render(request, "reports/public_commune.html", {"progress": progress, "chart": chart})


@require_GET
def province_progress(request, slug: str):
    progress = public.province_progress(public.public_province(slug), timezone.localdate())
    chart = charts.bar_chart(
        [(row.name, row.figures.cashless_share) for row in progress.rows],
        max_value=100,
        unit="%",
        title=_("Share of vendors paying cashless, per commune"),
        empty_text=_("No vendor yet"),
    )
    return render(request, "reports/public_province.html", {"progress": progress, "chart": chart})
