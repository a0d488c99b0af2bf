import factory
from django.utils import timezone

from market.models import Bank, Market, PaymentAccount, Vendor, VendorFollowUp
from market.services import new_token
from tests.factories import VillageFactory


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Market

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"Chợ thử {n}")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    market = factory.SubFactory(MarketFactory)
    village = factory.LazyAttribute(lambda v: v.market.village)
    full_name = factory.Sequence(lambda n: f"Người Bán Thứ {n}")
    stall = factory.Sequence(lambda n: f"S{n:03d}")
    status = Vendor.Status.NOT_YET
    status_changed_at = factory.LazyFunction(timezone.now)
    token = factory.LazyFunction(new_token)
    token_issued_at = factory.LazyFunction(timezone.now)


class PaymentAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentAccount

    vendor = factory.SubFactory(VendorFactory)
    bank = factory.LazyFunction(lambda: Bank.objects.get(bin="970436"))
    account_number = factory.Sequence(lambda n: f"10{n:08d}")
    holder_name = factory.LazyAttribute(lambda a: a.vendor.full_name.upper())
    is_primary = True
    holder_confirmed = True


class VendorFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorFollowUp

    vendor = factory.SubFactory(VendorFactory, status=Vendor.Status.CASHLESS)
    answer = VendorFollowUp.Answer.YES
    reason = factory.LazyAttribute(
        lambda f: "" if f.answer == VendorFollowUp.Answer.YES else VendorFollowUp.Reason.OTHER
    )
    answered_at = factory.LazyFunction(timezone.now)
