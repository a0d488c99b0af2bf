"""Made-up Vietnamese legal documents for the search benchmark (bench/library.py search).

No Django in it (the number key is the library's own pure one) and deterministic by its
seed: titles of the shapes the library holds (laws, decrees, circulars, decisions of the
province and the commune, guidance, leaflets), numbers as they are written
(``52/2014/QH13``, ``126/2014/NĐ-CP``, ``15/QĐ-UBND``, unique however typed),
plain-language summaries, bodies of a few KB in articles, dates that make some
documents not yet in force and some expired, and a share of drafts. Every text is
invented for the benchmark from a small vocabulary of legal Vietnamese; no real
document is copied.
"""

import datetime as dt
import random
from dataclasses import dataclass

from legal_library.searching import number_key

# (subject as it reads inside a sentence, category slug of the data migration)
SUBJECTS = [
    ("đất đai", "dat-dai"),
    ("cấp giấy chứng nhận quyền sử dụng đất", "dat-dai"),
    ("thu hồi đất và bồi thường, hỗ trợ tái định cư", "dat-dai"),
    ("hòa giải tranh chấp đất đai ở cơ sở", "dat-dai"),
    ("hôn nhân và gia đình", "hon-nhan-gia-dinh"),
    ("đăng ký kết hôn", "hon-nhan-gia-dinh"),
    ("phòng, chống bạo lực gia đình", "hon-nhan-gia-dinh"),
    ("phòng, chống tảo hôn và hôn nhân cận huyết thống", "phong-chong-tao-hon"),
    ("nuôi con nuôi", "hon-nhan-gia-dinh"),
    ("bảo vệ, chăm sóc và giáo dục trẻ em", "hon-nhan-gia-dinh"),
    ("căn cước và định danh điện tử", "dich-vu-cong"),
    ("cư trú, đăng ký thường trú và tạm trú", "dich-vu-cong"),
    ("hộ tịch, khai sinh và khai tử", "dich-vu-cong"),
    ("chứng thực bản sao từ bản chính", "dich-vu-cong"),
    ("trật tự, an toàn giao thông đường bộ", "an-toan-giao-thong"),
    ("xử phạt vi phạm hành chính trong lĩnh vực giao thông", "an-toan-giao-thong"),
    ("phòng cháy, chữa cháy và cứu nạn, cứu hộ", "an-ninh-mang"),
    ("an ninh mạng và phòng tránh lừa đảo qua điện thoại", "an-ninh-mang"),
    ("phòng, chống ma túy", "an-ninh-mang"),
    ("quản lý vũ khí, vật liệu nổ và công cụ hỗ trợ", "an-ninh-mang"),
    ("bảo hiểm y tế", "dich-vu-cong"),
    ("bảo hiểm xã hội tự nguyện", "dich-vu-cong"),
    ("khám bệnh, chữa bệnh", "dich-vu-cong"),
    ("tiêm chủng mở rộng cho trẻ em", "dich-vu-cong"),
    ("an toàn thực phẩm ở chợ nông thôn", "an-ninh-mang"),
    ("trồng trọt và giống cây trồng", "dat-dai"),
    ("chăn nuôi và phòng, chống dịch bệnh động vật", "dat-dai"),
    ("bảo vệ và phát triển rừng", "dat-dai"),
    ("tài nguyên nước và khai thác nước ngầm", "dat-dai"),
    ("bảo vệ môi trường ở khu dân cư", "an-ninh-mang"),
    ("giáo dục phổ thông và phổ cập giáo dục", "hon-nhan-gia-dinh"),
    ("hỗ trợ học sinh dân tộc thiểu số", "hon-nhan-gia-dinh"),
    ("người cao tuổi", "hon-nhan-gia-dinh"),
    ("người khuyết tật", "hon-nhan-gia-dinh"),
    ("trợ giúp xã hội và trợ cấp hằng tháng", "dich-vu-cong"),
    ("giảm nghèo bền vững", "dat-dai"),
    ("vay vốn ưu đãi hộ nghèo, hộ cận nghèo", "dat-dai"),
    ("đăng ký hộ kinh doanh", "dich-vu-cong"),
    ("thuế đối với hộ kinh doanh, cá nhân kinh doanh", "dich-vu-cong"),
    ("thanh toán không dùng tiền mặt", "dich-vu-cong"),
    ("lao động, việc làm và đưa người lao động đi làm việc ở nước ngoài", "dich-vu-cong"),
    ("nghĩa vụ quân sự", "an-ninh-mang"),
    ("dân quân tự vệ", "an-ninh-mang"),
    ("thực hiện dân chủ ở cơ sở", "dich-vu-cong"),
    ("tiếp công dân, khiếu nại và tố cáo", "dich-vu-cong"),
    ("trợ giúp pháp lý cho người dân tộc thiểu số", "dich-vu-cong"),
    ("phổ biến, giáo dục pháp luật", "dich-vu-cong"),
    ("xây dựng nhà ở nông thôn", "dat-dai"),
    ("điện lực và sử dụng điện an toàn", "an-ninh-mang"),
    ("phòng, chống thiên tai", "an-ninh-mang"),
    ("bình đẳng giới", "hon-nhan-gia-dinh"),
    ("di sản văn hóa và lễ hội truyền thống", "hon-nhan-gia-dinh"),
    ("tín ngưỡng, tôn giáo", "dich-vu-cong"),
    ("xây dựng nông thôn mới", "dat-dai"),
]

# (type, share, the title's shapes; {s} the subject, {S} with a capital, {y} a year)
KINDS = [
    ("law", 6, ["Luật {S}", "Luật sửa đổi, bổ sung một số điều của Luật {S}"]),
    (
        "decree",
        14,
        [
            "Nghị định quy định chi tiết một số điều của Luật {S}",
            "Nghị định quy định xử phạt vi phạm hành chính về {s}",
            "Nghị định về {s}",
        ],
    ),
    (
        "circular",
        14,
        [
            "Thông tư hướng dẫn thi hành Nghị định về {s}",
            "Thông tư quy định hồ sơ, thủ tục về {s}",
        ],
    ),
    (
        "resolution",
        8,
        [
            "Nghị quyết về chính sách hỗ trợ {s} trên địa bàn tỉnh Gia Lai giai đoạn {y}–{y5}",
            "Nghị quyết của Hội đồng nhân dân tỉnh về {s}",
        ],
    ),
    (
        "decision",
        18,
        [
            "Quyết định ban hành Kế hoạch thực hiện {s} năm {y}",
            "Quyết định công bố thủ tục hành chính về {s}",
            "Quyết định phê duyệt Đề án {s} tỉnh Gia Lai đến năm {y5}",
        ],
    ),
    ("directive", 4, ["Chỉ thị về tăng cường {s}", "Chỉ thị về đẩy mạnh {s} năm {y}"]),
    (
        "official_letter",
        10,
        ["Công văn về việc triển khai {s}", "Công văn hướng dẫn {s} trên địa bàn xã"],
    ),
    (
        "guidance",
        14,
        ["Hướng dẫn thủ tục {s}", "Hướng dẫn bà con thực hiện {s}", "Hỏi đáp về {s}"],
    ),
    ("leaflet", 12, ["Tờ rơi: những điều cần biết về {s}", "Bà con cần biết về {s}"]),
]

# The issuing body and the number's suffix of each type (a law's is its legislature).
ISSUERS = {
    "law": ["Quốc hội"],
    "decree": ["Chính phủ"],
    "circular": [
        "Bộ Tài chính",
        "Bộ Công an",
        "Bộ Y tế",
        "Bộ Tư pháp",
        "Bộ Tài nguyên và Môi trường",
    ],
    "resolution": ["Hội đồng nhân dân tỉnh Gia Lai", "Chính phủ"],
    "decision": [
        "Ủy ban nhân dân tỉnh Gia Lai",
        "Thủ tướng Chính phủ",
        "Ủy ban nhân dân xã Chư Prông",
    ],
    "directive": ["Thủ tướng Chính phủ", "Ủy ban nhân dân tỉnh Gia Lai"],
    "official_letter": ["Ủy ban nhân dân xã Chư Prông"],
    "guidance": ["Ủy ban nhân dân xã Chư Prông", "Phòng Tư pháp"],
    "leaflet": ["Đoàn Thanh niên xã Chư Prông", "Hội Liên hiệp Phụ nữ xã Chư Prông"],
}
MINISTRY_CODES = {
    "Bộ Tài chính": "TT-BTC",
    "Bộ Công an": "TT-BCA",
    "Bộ Y tế": "TT-BYT",
    "Bộ Tư pháp": "TT-BTP",
    "Bộ Tài nguyên và Môi trường": "TT-BTNMT",
}

ARTICLES = [
    "Phạm vi điều chỉnh",
    "Đối tượng áp dụng",
    "Giải thích từ ngữ",
    "Nguyên tắc thực hiện",
    "Hồ sơ, thủ tục",
    "Trình tự thực hiện",
    "Quyền và nghĩa vụ của người dân",
    "Trách nhiệm của Ủy ban nhân dân cấp xã",
    "Mức hỗ trợ",
    "Hành vi bị nghiêm cấm",
    "Xử lý vi phạm",
    "Hiệu lực thi hành",
]
SENTENCES = [
    "Văn bản này quy định về {s} đối với cơ quan, tổ chức, hộ gia đình và cá nhân.",
    "Người dân có quyền được hướng dẫn miễn phí về {s} tại Ủy ban nhân dân xã.",
    "Hồ sơ gồm đơn đề nghị theo mẫu, bản sao giấy tờ tùy thân và các giấy tờ liên quan.",
    "Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ, cơ quan có thẩm quyền "
    "phải trả lời bằng văn bản.",
    "Trưởng thôn, làng có trách nhiệm thông báo cho bà con biết và phối hợp thực hiện.",
    "Cán bộ tư pháp - hộ tịch xã tiếp nhận hồ sơ và hẹn ngày trả kết quả.",
    "Nghiêm cấm lợi dụng {s} để xâm phạm quyền, lợi ích hợp pháp của người khác.",
    "Người có hành vi vi phạm thì tùy theo tính chất, mức độ mà bị xử phạt vi phạm "
    "hành chính hoặc bị truy cứu trách nhiệm hình sự theo quy định của pháp luật.",
    "Kinh phí thực hiện do ngân sách nhà nước bảo đảm và các nguồn hợp pháp khác.",
    "Người dân tộc thiểu số, hộ nghèo và người có hoàn cảnh khó khăn được ưu tiên hỗ trợ.",
    "Việc thực hiện phải công khai, minh bạch, đúng đối tượng và kịp thời.",
    "Mọi thắc mắc về {s} xin liên hệ bộ phận một cửa của Ủy ban nhân dân xã.",
    "Không thu bất kỳ khoản phí nào ngoài quy định khi giải quyết thủ tục.",
    "Hộ gia đình, cá nhân có thể nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia "
    "hoặc nộp trực tiếp tại xã.",
    "Ủy ban nhân dân cấp xã tổ chức tuyên truyền, phổ biến về {s} đến từng thôn, làng.",
    "Trường hợp hồ sơ chưa đầy đủ thì cán bộ tiếp nhận phải hướng dẫn một lần để người "
    "dân bổ sung.",
    "Khi có tranh chấp, các bên trước hết tự hòa giải hoặc đề nghị tổ hòa giải ở cơ sở.",
    "Các quy định trước đây trái với văn bản này đều bãi bỏ.",
]
SUMMARIES = [
    "Văn bản nói rõ ai được hưởng, cần giấy tờ gì và nộp ở đâu khi làm thủ tục về {s}.",
    "Những điều bà con cần biết về {s}: quyền lợi, nghĩa vụ và nơi được hướng dẫn.",
    "Quy định mới về {s}, áp dụng cho mọi hộ gia đình và cá nhân trên địa bàn.",
    "Mức phạt với các vi phạm thường gặp về {s} và cách tránh bị phạt.",
    "Các bước làm thủ tục về {s} tại Ủy ban nhân dân xã, thời hạn trả kết quả.",
]


@dataclass(frozen=True)
class MadeUpDocument:
    title: str
    number: str
    doc_type: str
    issuer: str
    category: str  # a category slug
    issued_on: dt.date
    effective_on: dt.date
    expires_on: dt.date | None
    summary: str
    body: str
    published: bool


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(rng: random.Random, kind: str, issuer: str, year: int) -> str:  # noqa: PLR0911 - one shape per type
    n = rng.randint(1, 400)
    if kind == "law":
        return f"{n}/{year}/QH{13 + (year - 2011) // 5}"  # QH13 for 2011–2015 ...
    if kind == "decree":
        return f"{n}/{year}/NĐ-CP"
    if kind == "circular":
        return f"{n:02d}/{year}/{MINISTRY_CODES[issuer]}"
    if kind == "resolution":
        return f"{n}/{year}/NQ-HĐND" if "Hội đồng" in issuer else f"{n}/NQ-CP"
    if kind == "decision":
        return f"{n}/QĐ-TTg" if "Thủ tướng" in issuer else f"{n}/{year}/QĐ-UBND"
    if kind == "directive":
        return f"{n:02d}/CT-TTg" if "Thủ tướng" in issuer else f"{n:02d}/CT-UBND"
    if kind == "official_letter":
        return f"{rng.randint(100, 2500)}/UBND-VX"
    if kind == "guidance":
        return f"{n:02d}/HD-UBND" if rng.random() < 0.6 else ""
    return ""  # a leaflet has none


def _body(rng: random.Random, subject: str) -> str:
    articles = []
    for k, heading in enumerate(rng.sample(ARTICLES, rng.randint(4, 9)), start=1):
        lines = [rng.choice(SENTENCES).format(s=subject) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.3:
            lines = [lines[0], *(f"- {line}" for line in lines[1:])]
            text = "\n".join(lines)
        else:
            text = " ".join(lines)
        articles.append(f"## Điều {k}. {heading}\n\n{text}")
    return "\n\n".join(articles).replace("Ủy ban nhân dân xã", "**Ủy ban nhân dân xã**", 1)


def made_up_documents(
    count: int, *, seed: int, today: dt.date, taken: set[str] | None = None
) -> list[MadeUpDocument]:
    """``count`` documents, the same ones for the same seed and day; no two numbers with
    the same key however typed, nor one of the keys ``taken`` (the library refuses a
    duplicate number)."""
    rng = random.Random(seed)
    kinds = [kind for kind, share, shapes in KINDS for _ in range(share)]
    shapes = {kind: titles for kind, share, titles in KINDS}
    keys = set(taken or ())
    documents = []
    while len(documents) < count:
        kind = rng.choice(kinds)
        subject, category = rng.choice(SUBJECTS)
        issuer = rng.choice(ISSUERS[kind])
        year = rng.randint(2012, today.year)
        number = _number(rng, kind, issuer, year)
        key = number_key(number)
        if number and key in keys:
            continue
        keys.add(key)
        title = rng.choice(shapes[kind]).format(s=subject, S=_capital(subject), y=year, y5=year + 5)
        issued = min(today, dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364)))
        effective = issued + dt.timedelta(days=rng.choice([0, 15, 45, 180]))
        expires = None
        if rng.random() < 0.12:  # ended: expired before today
            expires = max(effective, today - dt.timedelta(days=rng.randint(1, 900)))
        documents.append(
            MadeUpDocument(
                title=title,
                number=number,
                doc_type=kind,
                issuer=issuer,
                category=category,
                issued_on=issued,
                effective_on=effective,
                expires_on=expires,
                summary=rng.choice(SUMMARIES).format(s=subject),
                body=_body(rng, subject),
                published=rng.random() < 0.92,
            )
        )
    return documents
