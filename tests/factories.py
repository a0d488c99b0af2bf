"""factory-boy factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group

from core.models import Commune, Province, User, Village
from core.roles import STAFF_ROLES

TEST_PASSWORD = "mat-khau-thu-nghiem-2026"


class ProvinceFactory(factory.django.DjangoModelFactory):
    """Gia Lai unless told otherwise (``ProvinceFactory(name=..., slug=...)``)."""

    class Meta:
        model = Province
        django_get_or_create = ["slug"]

    name = "Gia Lai"
    slug = "gia-lai"
    report_email = "tinhdoan@example.invalid"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    slug = factory.Sequence(lambda n: f"xa-thu-{n}")
    province = factory.SubFactory(ProvinceFactory)


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    commune = factory.SubFactory(CommuneFactory)
    kind = Village.Kind.THON
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Thôn {n}")
    position = factory.Sequence(int)


class UserFactory(factory.django.DjangoModelFactory):
    """A user; ``role=...`` puts them in that role's group (staff for officers)."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Thử {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        """``UserFactory(role=Role.X)`` puts the user in that role's group."""
        if not (create and extracted):
            return
        obj.groups.add(Group.objects.get(name=extracted))
        if extracted in STAFF_ROLES and not obj.is_staff:
            obj.is_staff = True
            obj.save(update_fields=["is_staff"])
