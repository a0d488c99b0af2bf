"""Training topics (issue 16): the province's (no commune), kept by province officers and
offered to every commune's sessions, and each commune's own, kept by its officers and
offered to its sessions only (services.topic_save, the admin, the plan page)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from tests.trainings.factories import topic
from tests.trainings.test_village_sessions import NEW, _plan
from trainings import selectors, services
from trainings.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_topic(officer, commune):
    return services.topic_save(
        topic=Topic(name="Bán hàng qua Zalo", slug="ban-hang-zalo", commune=commune),
        actor=officer,
    )


@pytest.fixture
def other_topic(other_officer, other_commune):
    return services.topic_save(
        topic=Topic(name="Trồng cà phê sạch", slug="ca-phe-sach", commune=other_commune),
        actor=other_officer,
    )


def test_existing_topics_are_the_provinces():
    assert Topic.objects.exists() and not Topic.objects.filter(commune__isnull=False).exists()


@pytest.mark.parametrize(
    ("who", "owner", "allowed"),
    [
        ("officer", "commune", True),
        ("officer", None, False),
        ("officer", "other_commune", False),
        ("province_officer", None, True),
        ("province_officer", "commune", False),
        ("secretary_a", "commune", False),
    ],
)
def test_only_the_keepers_save_a_topic(request, who, owner, allowed):
    actor = request.getfixturevalue(who)
    commune = request.getfixturevalue(owner) if owner else None
    new = Topic(name="Chủ đề thử", slug="chu-de-thu", commune=commune)
    if allowed:
        services.topic_save(topic=new, actor=actor)
        assert AuditEntry.objects.get(content_type__model="topic").actor == actor
    else:
        with pytest.raises(PermissionDenied):
            services.topic_save(topic=new, actor=actor)
        assert not Topic.objects.filter(slug="chu-de-thu").exists()


def test_an_officer_cannot_take_the_provinces_topic_for_their_commune(officer, commune):
    province = topic("vneid")
    province.commune = commune
    with pytest.raises(PermissionDenied):
        services.topic_save(topic=province, actor=officer)
    assert Topic.objects.get(slug="vneid").commune is None


def test_the_plan_page_offers_the_provinces_and_the_communes_own(
    client, officer, own_topic, other_topic
):
    client.force_login(officer)
    offered = set(client.get(NEW).context["form"].fields["topics"].queryset)
    assert own_topic in offered and topic("vneid") in offered and other_topic not in offered
    assert _plan(client, topics=[other_topic.pk]).status_code == 400  # not a valid choice
    assert _plan(client, topics=[own_topic.pk, topic("vneid").pk]).status_code == 302


def test_a_secretary_is_offered_their_communes_topics(client, secretary_a, own_topic, other_topic):
    client.force_login(secretary_a)
    offered = set(client.get(NEW).context["form"].fields["topics"].queryset)
    assert own_topic in offered and other_topic not in offered


def test_the_service_refuses_another_communes_topic(commune, other_topic):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.session_create(
            commune=commune,
            title="Buổi thử",
            starts_at=start,
            ends_at=start + timezone.timedelta(hours=1),
            topics=[other_topic],
            actor=None,
        )
    assert "topics" in error.value.message_dict


def test_the_admin_lets_an_officer_add_their_own_and_only_read_the_provinces(
    client, officer, commune, own_topic, other_topic
):
    client.force_login(officer)
    listed = client.get(reverse("admin:trainings_topic_changelist"))
    shown = set(listed.context["cl"].result_list)
    assert own_topic in shown and topic("vneid") in shown and other_topic not in shown
    response = client.post(
        reverse("admin:trainings_topic_add"),
        {"name": "Livestream bán hàng", "slug": "livestream", "position": "5", "active": "on"},
    )
    assert response.status_code == 302
    assert Topic.objects.get(slug="livestream").commune == commune
    province = reverse("admin:trainings_topic_change", args=[topic("vneid").pk])
    seen = client.get(province)
    assert seen.status_code == 200 and 'name="_save"' not in seen.content.decode()
    assert client.post(province, {"name": "Đổi", "slug": "vneid"}).status_code == 404
    assert Topic.objects.get(slug="vneid").name != "Đổi"
    own = reverse("admin:trainings_topic_change", args=[own_topic.pk])
    changed = client.post(
        own, {"name": "Bán hàng qua mạng", "slug": own_topic.slug, "position": "1", "active": "on"}
    )
    assert changed.status_code == 302
    assert (
        client.get(reverse("admin:trainings_topic_delete", args=[own_topic.pk])).status_code == 404
    )


def test_a_province_officer_adds_a_provinces_topic(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("admin:trainings_topic_add"),
        {"name": "Chuyển đổi số tỉnh", "slug": "cds-tinh", "position": "9", "active": "on"},
    )
    assert response.status_code == 302
    assert Topic.objects.get(slug="cds-tinh").commune is None


def test_the_topics_an_officer_may_pick(officer, province_officer, own_topic, other_topic):
    assert other_topic not in selectors.topics_for_user(officer)
    assert {own_topic, other_topic} <= set(selectors.topics_for_user(province_officer))
