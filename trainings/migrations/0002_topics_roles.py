from django.db import migrations

# The program's topics; officers edit the list in the admin afterwards.
TOPICS = [
    ("dich-vu-cong-truc-tuyen", "Dịch vụ công trực tuyến"),
    ("nop-ho-so-truc-tuyen", "Nộp hồ sơ trực tuyến"),
    ("thanh-toan-phi-le-phi-dien-tu", "Thanh toán phí, lệ phí điện tử"),
    ("an-toan-thong-tin", "An toàn thông tin"),
    ("mang-xa-hoi-an-toan", "Sử dụng mạng xã hội an toàn"),
    ("thanh-toan-khong-dung-tien-mat", "Thanh toán không dùng tiền mặt"),
    ("vneid", "Định danh điện tử VNeID"),
    ("tu-sach-phap-luat", "Tủ sách pháp luật"),
]


def forwards(apps, schema_editor):
    from core.roles import sync_roles

    Topic = apps.get_model("trainings", "Topic")
    for position, (slug, name) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("trainings", "0001_initial"), ("volunteers", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
