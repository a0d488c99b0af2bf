import datetime

import factory
from django.utils import timezone

from tests.factories import CommuneFactory, VillageFactory
from volunteers.models import AssistanceRecord, Campaign, ServiceGiven, Volunteer


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    village = factory.SubFactory(VillageFactory)
    full_name = factory.Sequence(lambda n: f"Đoàn Viên Thứ {n}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    on_tech_team = True


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Chiến dịch {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    goal = 80


class AssistanceRecordFactory(factory.django.DjangoModelFactory):
    """A visit with one VNeID service done; pass ``volunteers=[...]`` to set who helped."""

    class Meta:
        model = AssistanceRecord
        skip_postgeneration_save = True

    helped_on = factory.LazyFunction(timezone.localdate)
    village = factory.SubFactory(VillageFactory)
    resident_name = factory.Sequence(lambda n: f"Cư Dân Thứ {n}")
    resident_consented = True

    @factory.post_generation
    def volunteers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.volunteers.set(extracted)

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if not create:
            return
        for service, outcome in (extracted or {"vneid_activated": "done"}).items():
            ServiceGiven.objects.create(record=obj, service=service, outcome=outcome)
