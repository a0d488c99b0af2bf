import factory
from django.utils import timezone

from legal_library.models import Document, LibraryPoint
from tests.factories import VillageFactory


class PointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryPoint

    village = factory.SubFactory(VillageFactory)
    name = factory.LazyAttribute(lambda p: f"Tủ sách pháp luật {p.village.name}")
    code = factory.Sequence(lambda n: f"P{n:03d}")


class DocumentFactory(factory.django.DjangoModelFactory):
    """A published document saved directly (tests of services use services.document_save)."""

    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Văn bản thử số {n}")
    slug = factory.Sequence(lambda n: f"van-ban-thu-{n}")
    summary = "Tóm tắt dễ hiểu."
    body_html = "<p>Nội dung.</p>"
    search_text = factory.LazyAttribute(lambda d: d.title.lower())
    published = True
    published_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
