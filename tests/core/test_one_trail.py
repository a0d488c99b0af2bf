"""One audit trail: the programs' services write AuditEntry rows, never the admin's LogEntry."""

import datetime

from django.contrib.admin.models import LogEntry
from django.utils import timezone

from core.models import AuditEntry
from market import services as market_services
from trainings import services as training_services
from volunteers import services as volunteer_services


def test_markets_campaigns_and_sessions_are_in_the_one_audit_trail(commune, village_a, officer):
    market = market_services.market_create(village=village_a, name="Chợ Thôn 1", actor=officer)
    today = timezone.localdate()
    campaign = volunteer_services.campaign_create(
        commune=commune,
        name="Chiến dịch tháng",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        villages=[village_a],
        actor=officer,
    )
    starts = timezone.now() + datetime.timedelta(days=1)
    session = training_services.session_create(
        commune=commune,
        title="Tập huấn VNeID",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Hội trường",
        actor=officer,
    )
    for obj in (market, campaign, session):
        entry = AuditEntry.objects.get(object_id=str(obj.pk), object_repr=str(obj))
        assert (entry.action, entry.actor, entry.commune) == ("create", officer, commune)
    assert not LogEntry.objects.exists()
