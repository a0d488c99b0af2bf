import pytest

from legal_library import selectors, services
from legal_library.models import Category, Document


@pytest.fixture
def marriage(db):
    return Category.objects.get(slug="hon-nhan-gia-dinh")


@pytest.fixture
def land(db):
    return Category.objects.get(slug="dat-dai")


def save(actor=None, categories=(), **fields) -> Document:
    """A document saved by ``actor``: a commune officer's is their commune's own (they keep
    no province-wide one), anyone else's the province's, unless ``commune`` says."""
    if actor is not None and "commune" not in fields and not actor.is_superuser:
        fields["commune"] = selectors.document_owner_for(actor)
    document = Document(**fields)
    return services.document_save(document=document, categories=list(categories), actor=actor)


@pytest.fixture
def point_a(village_a):
    return services.point_create(
        village=village_a,
        name="Tủ sách pháp luật Thôn 3",
        code="T03",
        place="Nhà văn hóa Thôn 3",
        actor=None,
    )


@pytest.fixture
def law(marriage, officer):
    """The commune officer's document: their commune's own (``save``)."""
    return save(
        actor=officer,
        categories=[marriage],
        title="Luật Hôn nhân và gia đình",
        number="52/2014/QH13",
        summary="Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi mới được kết hôn.",
        body="## Điều kiện kết hôn\n\nHai bên **tự nguyện**.",
        published=True,
    )


@pytest.fixture
def land_law(land, officer):
    return save(
        actor=officer,
        categories=[land],
        title="Luật Đất đai",
        number="31/2024/QH15",
        summary="Quyền của người sử dụng đất.",
        body="Đăng ký đất đai.",
        published=True,
    )
