"""Demo legal library: 8 points, some twenty documents and search synonyms (idempotent).

Titles and numbers are those of real Vietnamese legal documents; every summary
and text here is written for the demo in plain words, not copied from them.
"""

import datetime as dt
from pathlib import Path

import openpyxl
from django.core.files import File
from django.db import transaction

from core.models import Commune
from kit.spreadsheets import xlsx_append, xlsx_bytes

from . import services
from .models import (
    Category,
    Document,
    DocumentAudio,
    DocumentRelation,
    LibraryPoint,
    SearchSynonym,
)
from .spreadsheets import COLUMNS

POINT_VILLAGES = ["T01", "T02", "T03", "T04", "T05", "T06", "L01", "L02"]

# slug of category, title, number, type, issuing body, issued, effective, summary, body
DOCUMENTS = [
    (
        "hon-nhan-gia-dinh",
        "Luật Hôn nhân và gia đình",
        "52/2014/QH13",
        "law",
        "Quốc hội",
        "2014-06-19",
        "2015-01-01",
        "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi mới được kết hôn. Việc kết hôn phải tự nguyện và "
        "phải đăng ký tại Ủy ban nhân dân xã.",
        "## Điều kiện kết hôn\n\n1. Nam **từ đủ 20 tuổi**, nữ **từ đủ 18 tuổi**.\n"
        "2. Hai bên tự nguyện quyết định.\n3. Không bị mất năng lực hành vi dân sự.\n\n"
        "## Đăng ký kết hôn\n\nHai người cùng đến Ủy ban nhân dân xã nơi một trong hai người cư "
        "trú, mang theo giấy tờ tùy thân. Cán bộ tư pháp hướng dẫn miễn phí.",
    ),
    (
        "phong-chong-tao-hon",
        "Phòng, chống tảo hôn và hôn nhân cận huyết thống",
        "",
        "leaflet",
        "Đoàn Thanh niên xã Chư Prông",
        "2024-07-01",
        "2024-07-01",
        "Tảo hôn là lấy vợ, lấy chồng khi chưa đủ tuổi. Tảo hôn làm các em phải bỏ học, sinh con "
        "sớm, con dễ bị suy dinh dưỡng. Người tổ chức tảo hôn có thể bị xử phạt.",
        "## Vì sao không tảo hôn?\n\n- Các em còn phải đi học.\n- Cơ thể người mẹ chưa phát triển "
        "đủ để sinh con.\n- Gia đình trẻ dễ nghèo, dễ tan vỡ.\n\n## Khi biết có tảo hôn\n\n"
        "Báo ngay cho trưởng thôn, làng, bí thư chi đoàn hoặc Ủy ban nhân dân xã.",
    ),
    (
        "hon-nhan-gia-dinh",
        "Nghị định quy định xử phạt vi phạm hành chính về hôn nhân và gia đình",
        "82/2020/NĐ-CP",
        "decree",
        "Chính phủ",
        "2020-07-15",
        "2020-09-01",
        "Nói rõ mức phạt tiền với người tổ chức lấy vợ, lấy chồng cho người chưa đủ tuổi và các "
        "vi phạm khác về hôn nhân, gia đình.",
        "## Một số mức phạt\n\n| Vi phạm | Mức phạt |\n|---|---|\n| Tổ chức tảo hôn | phạt tiền |\n"
        "| Cưỡng ép kết hôn | phạt tiền |\n\nHãy hỏi cán bộ tư pháp xã để biết mức cụ thể.",
    ),
    (
        "dat-dai",
        "Luật Đất đai",
        "31/2024/QH15",
        "law",
        "Quốc hội",
        "2024-01-18",
        "2024-08-01",
        "Quy định quyền và nghĩa vụ của người sử dụng đất, cách cấp giấy chứng nhận quyền sử dụng "
        "đất (sổ đỏ), thừa kế, chuyển nhượng và bồi thường khi Nhà nước thu hồi đất.",
        "## Người dân cần biết\n\n- Đất phải được đăng ký.\n- Mua bán, cho tặng đất phải làm hợp "
        "đồng có công chứng hoặc chứng thực.\n- Khi có tranh chấp, trước hết hòa giải ở thôn, xã.",
    ),
    (
        "dat-dai",
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
        "",
        "guidance",
        "Ủy ban nhân dân xã Chư Prông",
        "2024-09-01",
        "2024-09-01",
        "Các bước làm hồ sơ xin cấp sổ đỏ lần đầu, giấy tờ cần mang theo và nơi nộp, có thể nộp "
        "trực tuyến trên Cổng Dịch vụ công quốc gia.",
        "## Các bước\n\n1. Chuẩn bị đơn và giấy tờ về nguồn gốc đất.\n2. Nộp tại Bộ phận một cửa "
        "của xã hoặc trực tuyến.\n3. Nhận giấy hẹn và theo dõi kết quả trên điện thoại.",
    ),
    (
        "an-toan-giao-thong",
        "Luật Trật tự, an toàn giao thông đường bộ",
        "36/2024/QH15",
        "law",
        "Quốc hội",
        "2024-06-27",
        "2025-01-01",
        "Đội mũ bảo hiểm khi đi xe máy, không chở quá số người, không uống rượu bia khi lái xe, "
        "trẻ em phải ngồi đúng chỗ và có thiết bị an toàn.",
        "## Những điều cần nhớ\n\n- **Đã uống rượu bia thì không lái xe.**\n- Luôn đội mũ bảo "
        "hiểm cài quai.\n- Xe máy chở tối đa hai người (trừ trường hợp luật cho phép).",
    ),
    (
        "an-toan-giao-thong",
        "Nghị định xử phạt vi phạm giao thông đường bộ",
        "168/2024/NĐ-CP",
        "decree",
        "Chính phủ",
        "2024-12-26",
        "2025-01-01",
        "Mức phạt khi lái xe có nồng độ cồn, không đội mũ bảo hiểm, vượt đèn đỏ, chạy quá tốc độ "
        "và trừ điểm giấy phép lái xe.",
        "## Nồng độ cồn\n\nLái xe máy mà có nồng độ cồn bị phạt tiền và trừ điểm giấy phép lái "
        "xe. Mức phạt tăng theo nồng độ.",
    ),
    (
        "dich-vu-cong",
        "Tạo và kích hoạt tài khoản định danh điện tử VNeID",
        "",
        "guidance",
        "Công an xã Chư Prông",
        "2024-03-01",
        "2024-03-01",
        "Tài khoản định danh điện tử mức 2 giúp làm thủ tục trực tuyến, thay giấy tờ khi đi khám "
        "bệnh, đi máy bay. Đăng ký tại công an xã, kích hoạt trên ứng dụng VNeID.",
        "## Cách làm\n\n1. Mang căn cước đến công an xã để đăng ký mức 2.\n2. Cài ứng dụng VNeID.\n"
        "3. Nhập số định danh và số điện thoại chính chủ, làm theo hướng dẫn để kích hoạt.",
    ),
    (
        "dich-vu-cong",
        "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia",
        "",
        "guidance",
        "Đoàn Thanh niên xã Chư Prông",
        "2024-05-15",
        "2024-05-15",
        "Đăng nhập bằng tài khoản VNeID, chọn thủ tục, điền tờ khai, đính kèm ảnh giấy tờ và "
        "thanh toán phí trực tuyến. Kết quả được báo qua tin nhắn.",
        "## Các bước\n\n1. Vào dichvucong.gov.vn.\n2. Đăng nhập bằng VNeID.\n3. Tìm thủ tục, điền "
        "tờ khai, nộp.\n\nĐoàn viên ở thôn sẵn sàng giúp bà con làm lần đầu.",
    ),
    (
        "an-ninh-mang",
        "Luật An ninh mạng",
        "24/2018/QH14",
        "law",
        "Quốc hội",
        "2018-06-12",
        "2019-01-01",
        "Không đăng, chia sẻ tin giả, tin xúc phạm người khác trên mạng xã hội. Giữ bí mật mật "
        "khẩu, mã OTP; cảnh giác với cuộc gọi, tin nhắn lừa đảo.",
        "## Tự bảo vệ trên mạng\n\n- Không bao giờ đọc mã OTP cho người khác.\n- Không bấm vào "
        "đường link lạ.\n- Kiểm tra tin trước khi chia sẻ.",
    ),
    (
        "an-ninh-mang",
        "Nhận biết và phòng tránh lừa đảo qua điện thoại",
        "",
        "leaflet",
        "Công an xã Chư Prông",
        "2025-02-01",
        "2025-02-01",
        "Kẻ gian giả danh công an, ngân hàng, nhân viên điện lực để lấy tiền. Cơ quan nhà nước "
        "không gọi điện yêu cầu chuyển tiền.",
        "## Dấu hiệu lừa đảo\n\n- Gọi điện đe dọa, bảo chuyển tiền gấp.\n- Gửi đường link yêu "
        "cầu đăng nhập ngân hàng.\n\nGặp trường hợp này, hãy báo công an xã.",
    ),
    (
        "hon-nhan-gia-dinh",
        "Luật Phòng, chống bạo lực gia đình",
        "13/2022/QH15",
        "law",
        "Quốc hội",
        "2022-11-14",
        "2023-07-01",
        "Mọi hành vi đánh đập, chửi mắng, ép buộc người trong gia đình đều bị cấm. Người bị bạo "
        "lực được bảo vệ, hỗ trợ và có thể báo tin cho trưởng thôn, công an xã.",
        "## Khi có bạo lực gia đình\n\n1. Đưa người bị hại đến nơi an toàn.\n2. Báo cho trưởng "
        "thôn, làng hoặc công an xã.\n3. Gọi đường dây nóng 111 nếu là trẻ em.",
    ),
    (
        "dat-dai",
        "Luật Đất đai",
        "45/2013/QH13",
        "law",
        "Quốc hội",
        "2013-11-29",
        "2014-07-01",
        "Luật đất đai cũ, đã được thay bằng Luật Đất đai năm 2024. Quy định việc giao đất, cho "
        "thuê đất, cấp sổ đỏ và giá đất trước ngày 01/08/2024.",
        "## Đã hết hiệu lực\n\nTừ ngày 01/08/2024, hãy xem Luật Đất đai số 31/2024/QH15.",
    ),
    (
        "hon-nhan-gia-dinh",
        "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hôn nhân và gia đình",
        "126/2014/NĐ-CP",
        "decree",
        "Chính phủ",
        "2014-12-31",
        "2015-02-15",
        "Nói rõ cách áp dụng phong tục tập quán về hôn nhân, việc kết hôn có yếu tố nước ngoài và "
        "các biện pháp ngăn ngừa hôn nhân cận huyết thống ở vùng dân tộc thiểu số.",
        "## Phong tục tập quán\n\nTập quán tốt đẹp về cưới hỏi được tôn trọng; tập quán trái "
        "luật như cưỡng ép kết hôn thì bị vận động xóa bỏ.",
    ),
    (
        "dich-vu-cong",
        "Luật Căn cước",
        "26/2023/QH15",
        "law",
        "Quốc hội",
        "2023-11-27",
        "2024-07-01",
        "Thẻ căn cước thay thẻ căn cước công dân, cấp cho công dân Việt Nam, cả trẻ em dưới 14 "
        "tuổi khi cha mẹ đề nghị. Thẻ cũ còn hạn vẫn dùng được.",
        "## Làm thẻ căn cước\n\nĐến công an xã hoặc công an huyện, mang theo giấy tờ; trẻ em "
        "dưới 6 tuổi có thể làm trên ứng dụng VNeID.",
    ),
    (
        "dich-vu-cong",
        "Luật Cư trú",
        "68/2020/QH14",
        "law",
        "Quốc hội",
        "2020-11-13",
        "2021-07-01",
        "Đăng ký thường trú, tạm trú, khai báo tạm vắng; sổ hộ khẩu giấy không còn dùng, thông tin "
        "cư trú nằm trong Cơ sở dữ liệu quốc gia về dân cư.",
        "## Tạm trú\n\nĐến ở nơi khác từ 30 ngày trở lên để làm việc, học tập thì đăng ký tạm trú "
        "với công an xã nơi đến.",
    ),
    (
        "hon-nhan-gia-dinh",
        "Luật Trẻ em",
        "102/2016/QH13",
        "law",
        "Quốc hội",
        "2016-04-05",
        "2017-06-01",
        "Trẻ em có quyền được sống, được chăm sóc, đi học, vui chơi và được bảo vệ khỏi bạo lực, "
        "xâm hại, bóc lột sức lao động.",
        "## Khi trẻ em bị xâm hại\n\nGọi Tổng đài quốc gia bảo vệ trẻ em 111, miễn phí.",
    ),
]

# number of a replaced document → number of its successor
REPLACED = {"45/2013/QH13": "31/2024/QH15"}

# words people type, what they mean, both ways
SYNONYMS = [
    ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất", False),
    ("CCCD", "căn cước", False),
    ("tảo hôn", "kết hôn sớm", True),
    ("hộ khẩu", "cư trú", False),
]


# Demo text only, written for the demo and not checked by a Jrai speaker: short phrases
# around the facts (ages, numbers), never shown as an authoritative translation. The
# commune's Jrai-speaking members write the real ones in the admin.
# title of the document → (title in Jrai, summary in Jrai)
JRAI = {
    "Luật Hôn nhân và gia đình": (
        "Hră tơlơi ung bơnai (Luật Hôn nhân và gia đình)",
        "Ung: 20 thŭn. Bơnai: 18 thŭn. UBND xã.",
    ),
    "Phòng, chống tảo hôn và hôn nhân cận huyết thống": (
        "Anăm ung bơnai hlâo kơ 18 thŭn (Phòng, chống tảo hôn)",
        "",
    ),
}
# Short tones standing for members' recordings (made once with the system's LAME
# encoder; each a few KB): title of the document → [(file, language, what is read, reader)]
DEMO_MEDIA = Path(__file__).resolve().parent / "demo_media"
READINGS = {
    "Luật Hôn nhân và gia đình": [
        ("demo-tone-1.mp3", "vi", "Tóm tắt", "Đoàn viên Thôn 3"),
        ("demo-tone-2.mp3", "jra", "Tóm tắt bằng tiếng Jrai", "Đoàn viên Làng Bi"),
    ],
    "Phòng, chống tảo hôn và hôn nhân cận huyết thống": [
        ("demo-tone-2.mp3", "jra", "Vì sao không tảo hôn", "Đoàn viên Làng Bi"),
    ],
}


def demo_listening() -> None:
    """The demo's Jrai titles and summaries and audio readings (idempotent)."""
    for title, (title_jra, summary_jra) in JRAI.items():
        document = Document.objects.get(title=title)
        if not document.title_jra:
            before = services.snapshot_of(document)
            document.title_jra, document.summary_jra = title_jra, summary_jra
            services.document_save(document=document, actor=None, before=before)
    for title, readings in READINGS.items():
        document = Document.objects.get(title=title)
        if document.audios.exists():
            continue
        for position, (name, language, what, reader) in enumerate(readings):
            with (DEMO_MEDIA / name).open("rb") as handle:
                audio = DocumentAudio(
                    document=document,
                    file=File(handle, name=name),
                    language=language,
                    title=what,
                    reader=reader,
                    position=position,
                )
                services.audio_save(audio=audio, actor=None)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


@transaction.atomic
def demo_load(commune: Commune) -> tuple[int, int]:
    for name in IMPORT_CATEGORIES:  # the demo spreadsheet's, added by the list's keepers
        services.category_for_name(name=name, actor=None)
    villages = {v.code: v for v in commune.villages.all()}
    for code in POINT_VILLAGES:
        village = villages[code]
        if not LibraryPoint.objects.filter(village=village).exists():
            services.point_create(
                village=village,
                name=f"Tủ sách pháp luật {village.name}",
                code=code,
                place=f"Nhà văn hóa {village.name}",
                opened_on=dt.date(2024, 7, 1),
                actor=None,
            )
    demo_documents()
    demo_listening()
    pinned = Document.objects.get(title__startswith="Phòng, chống tảo hôn")
    for point in LibraryPoint.objects.filter(village__commune=commune):
        services.point_add_documents(point=point, documents=[pinned], pinned=True, actor=None)
    return (
        LibraryPoint.objects.filter(village__commune=commune).count(),
        Document.objects.filter(published=True).count(),
    )


@transaction.atomic
def demo_documents() -> None:
    """The demo's documents, replacements and search synonyms (idempotent; the search
    tests' table runs on them)."""
    for slug, title, number, kind, body, issued, effective, summary, text in DOCUMENTS:
        if Document.objects.filter(title=title, number=number).exists():
            continue
        document = Document(
            title=title,
            number=number,
            doc_type=kind,
            issuer=services.issuer_for_name(name=body, actor=None),
            issued_on=_date(issued),
            effective_on=_date(effective),
            summary=summary,
            body=text,
            published=True,
        )
        services.document_save(
            document=document, categories=[Category.objects.get(slug=slug)], actor=None
        )
    for old, new in REPLACED.items():
        replaced, replacing = Document.objects.get(number=old), Document.objects.get(number=new)
        relation = DocumentRelation(
            from_document=replacing, to_document=replaced, kind=DocumentRelation.Kind.REPLACES
        )
        if not DocumentRelation.objects.filter(
            from_document=replacing, to_document=replaced, kind=relation.kind
        ).exists():
            services.relation_save(relation=relation, actor=None)
    for phrase, expands_to, both_ways in SYNONYMS:
        if not SearchSynonym.objects.filter(phrase=phrase).exists():
            services.synonym_add(
                phrase=phrase, expands_to=expands_to, both_ways=both_ways, actor=None
            )


# ------------------------------------------------------------------ a spreadsheet to import
# 15 documents as an officer would type them (types and dates written several ways, real
# Excel dates beside dd/mm/yyyy text), two of them replaced by newer ones of the file.
# With ``with_errors``, three rows carry the mistakes the preview must flag.
_D = dt.date
IMPORT_ROWS = [
    # number, type, title, issuer, issued, in force, replaced by, categories, summary
    ("58/2014/QH13", "Luật", "Luật Bảo hiểm xã hội", "Quốc hội", _D(2014, 11, 20),
     _D(2016, 1, 1), "41/2024/QH15", "Bảo hiểm xã hội",
     "Quyền được hưởng lương hưu, ốm đau, thai sản của người đóng bảo hiểm."),
    ("41/2024/QH15", "luat", "Luật Bảo hiểm xã hội", "Quốc hội", "29/06/2024", "01/07/2025", "",
     "Bảo hiểm xã hội", "Người đóng bảo hiểm xã hội tự nguyện được Nhà nước hỗ trợ tiền đóng."),
    ("23/2008/QH12", "Luật", "Luật Giao thông đường bộ", "Quốc hội", _D(2008, 11, 13),
     _D(2009, 7, 1), "35/2024/QH15", "An toàn giao thông",
     "Quy tắc đi đường bộ trước năm 2025."),
    ("35/2024/QH15", "Luật", "Luật Đường bộ", "Quốc hội", "27/06/2024", "01/01/2025", "",
     "An toàn giao thông", "Đường bộ được làm, giữ gìn và sử dụng thế nào."),
    ("25/2018/QH14", "Luật", "Luật Tố cáo", "Quốc hội", "12/06/2018", "01/01/2019", "",
     "Khiếu nại, tố cáo", "Ai cũng có quyền báo cho cơ quan nhà nước việc làm sai trái."),
    ("02/2011/QH13", "Luật", "Luật Khiếu nại", "Quốc hội", "11/11/2011", "01/07/2012", "",
     "Khiếu nại, tố cáo", "Khi không đồng ý với quyết định của cơ quan nhà nước thì làm gì."),
    ("15/2012/QH13", "Luật", "Luật Xử lý vi phạm hành chính", "Quốc hội", "20/06/2012",
     "01/07/2013", "", "", "Các hình thức xử phạt và ai có quyền xử phạt."),
    ("100/2015/QH13", "Bộ luật", "Bộ luật Hình sự", "Quốc hội", _D(2015, 11, 27),
     _D(2018, 1, 1), "", "", "Những việc làm bị coi là tội phạm và hình phạt."),
    ("91/2015/QH13", "bo luat", "Bộ luật Dân sự", "Quốc hội", _D(2015, 11, 24), _D(2017, 1, 1),
     "", "Đất đai; Hôn nhân và gia đình", "Quyền về tài sản, hợp đồng và thừa kế."),
    ("60/2014/QH13", "Luật", "Luật Hộ tịch", "Quốc hội", "20/11/2014", "01/01/2016", "",
     "Dịch vụ công trực tuyến", "Đăng ký khai sinh, kết hôn, khai tử ở Ủy ban nhân dân xã."),
    ("123/2015/NĐ-CP", "Nghị định", "Nghị định quy định chi tiết Luật Hộ tịch", "Chính phủ",
     "15/11/2015", "01/01/2016", "", "Dịch vụ công trực tuyến",
     "Giấy tờ cần mang theo khi đăng ký hộ tịch."),
    ("04/2020/TT-BTP", "TT", "Thông tư hướng dẫn thi hành Luật Hộ tịch", "Bộ Tư pháp",
     "28/05/2020", "16/07/2020", "", "Dịch vụ công trực tuyến",
     "Cách ghi sổ hộ tịch và cấp bản sao."),
    ("16/2023/QH15", "Luật", "Luật Khám bệnh, chữa bệnh", "Quốc hội", "09/01/2023", "01/01/2024",
     "", "Y tế", "Quyền của người bệnh khi đi khám, chữa bệnh."),
    ("10/2022/QH15", "Luật", "Luật Thực hiện dân chủ ở cơ sở", "Quốc hội", "10/11/2022",
     "01/07/2023", "", "", "Người dân được biết, được bàn, được quyết định những việc gì ở thôn."),
    ("", "Tài liệu tuyên truyền", "Hỏi đáp về đăng ký khai sinh cho trẻ em",
     "Đoàn Thanh niên xã Chư Prông", "01/09/2024", "01/09/2024", "", "Dịch vụ công trực tuyến",
     "Trẻ sinh ra phải được đăng ký khai sinh trong 60 ngày, không mất lệ phí."),
]  # fmt: skip
# Categories of the file not among those the migrations add (province-wide: an officer's
# import may not add them, so the demo has them).
IMPORT_CATEGORIES = ["Bảo hiểm xã hội", "Khiếu nại, tố cáo", "Y tế"]
# row (0-based) → (column, wrong value) of the deliberate mistakes
IMPORT_MISTAKES = {
    2: (7, "35/2024/QH51"),  # "Được thay thế bởi": a number neither in the file nor stored
    4: (5, "31/02/2019"),  # "Ngày có hiệu lực": no such day
    11: (1, "Thông tư liên tịch"),  # "Loại văn bản": not a type of the list
}


def import_demo_xlsx(*, with_errors: bool = True, points: str = "tất cả") -> bytes:
    """An XLSX of 15 documents in the import's layout (``spreadsheets.COLUMNS``): two
    replaced by newer ones of the file; with ``with_errors`` three rows the preview
    flags (a replacement's number mistyped, 31/02/2019, an unknown type), corrected
    without. ``points``: the "Điểm thư viện" of every row (codes, or ``tất cả``)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title="Van ban")
    xlsx_append(sheet, [column[1] for column in COLUMNS], bold=True)
    for n, (
        number,
        kind,
        title,
        issuer,
        issued,
        effective,
        replaced_by,
        categories,
        summary,
    ) in enumerate(IMPORT_ROWS):
        body = f"## {title}\n\n{summary}\n\n- Hỏi cán bộ tư pháp xã để được hướng dẫn."
        row = [number, kind, title, issuer, issued, effective, "", replaced_by, categories,
               summary, body, points, "không" if n == 6 else "có"]  # fmt: skip
        if with_errors and n in IMPORT_MISTAKES:
            column, wrong = IMPORT_MISTAKES[n]
            row[column] = wrong
        xlsx_append(sheet, row)
    return xlsx_bytes(book)


SECOND_POINT = ("HB", "IB-HB")  # village code, point code (Chư Prông has none such)
SECOND_NOTICE = "Thông báo lịch tiếp dân và hỗ trợ dịch vụ công xã Ia Boòng"


@transaction.atomic
def second_commune_load(commune: Commune) -> int:
    """The second commune's library point and one document of its own (shown there
    beside the province's, never at Chư Prông's points)."""
    code, point_code = SECOND_POINT
    village = commune.villages.get(code=code)
    if not LibraryPoint.objects.filter(village=village).exists():
        services.point_create(
            village=village,
            name=f"Tủ sách pháp luật {village.name}",
            code=point_code,
            place=f"Nhà văn hóa {village.name}",
            opened_on=dt.date(2025, 9, 1),
            actor=None,
        )
    if not Document.objects.filter(commune=commune, title=SECOND_NOTICE).exists():
        services.document_save(
            document=Document(
                commune=commune,
                title=SECOND_NOTICE,
                doc_type=Document.Type.LEAFLET,
                summary="UBND xã tiếp dân sáng thứ Hai hằng tuần; Tổ công nghệ số cộng đồng "
                "hỗ trợ nộp hồ sơ trực tuyến tại bộ phận một cửa.",
                published=True,
            ),
            actor=None,
        )
    return LibraryPoint.objects.filter(village__commune=commune).count()
