"""Listening and Jrai (issue 14 §5): audio readings checked by their content, played by a
plain ``<audio>`` element, counted like reads; a document's Jrai title and summary.

The MP3 is the demo's own tone (legal_library/demo_media/, made by LAME); the Ogg Opus,
Ogg Vorbis and M4A files are built here, box by box and page by page, as small as their
formats allow, and read by mutagen as real ones.
"""

import io
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import AuditEntry
from legal_library import counting, services
from legal_library.audiocheck import CODES, AudioCheckError, check_audio
from legal_library.models import DocumentAudio, DocumentDailyCount
from tests.legal_library.test_admin import _pdf
from tests.legal_library.test_early_pages import PREFETCH, early
from tests.legal_library.test_pages import PHONE, get

pytestmark = pytest.mark.django_db
MP3 = (Path(settings.BASE_DIR) / "legal_library/demo_media/demo-tone-1.mp3").read_bytes()


# ---------------------------------------------------------------- builders


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes, *, sequence: int, granule: int, flags: int) -> bytes:
    assert len(packet) < 255  # one segment
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, 7, sequence, 0, 1)
    page = header + bytes([len(packet)]) + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def ogg(first: bytes, second: bytes, *, seconds: float = 2.0, rate: int = 48000) -> bytes:
    return (
        _ogg_page(first, sequence=0, granule=0, flags=0x02)
        + _ogg_page(second, sequence=1, granule=0, flags=0)
        + _ogg_page(b"\xf8", sequence=2, granule=int(rate * seconds) + 312, flags=0x04)
    )


def opus(seconds: float = 2.0) -> bytes:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0)
    return ogg(head, tags, seconds=seconds)


def vorbis(seconds: float = 2.0) -> bytes:
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, 44100, 0, 64000, 0, 0xB8, 1)
    comment = b"\x03vorbis" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 0) + b"\x01"
    return ogg(ident, comment, seconds=seconds, rate=44100)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _track(handler: bytes) -> bytes:
    mdhd = _box(b"mdhd", struct.pack(">BxxxIIIIHH", 0, 0, 0, 44100, 88200, 0x55C4, 0))
    hdlr = _box(b"hdlr", struct.pack(">BxxxI4s12x", 0, 0, handler) + b"\x00")
    return _box(b"trak", _box(b"mdia", mdhd + hdlr))


def m4a(*, brand: bytes = b"M4A ", handlers: tuple[bytes, ...] = (b"soun",)) -> bytes:
    ftyp = _box(b"ftyp", brand + b"\x00\x00\x00\x00" + brand + b"mp41")
    mvhd = _box(b"mvhd", struct.pack(">BxxxIIII", 0, 0, 0, 1000, 2000) + b"\x00" * 80)
    return ftyp + _box(b"moov", mvhd + b"".join(_track(h) for h in handlers))


def with_id3(audio: bytes) -> bytes:
    frame = b"TIT2" + struct.pack(">I", 5) + b"\x00\x00" + b"\x00Luat"
    size = len(frame) + 20  # some padding, as taggers leave
    synchsafe = bytes([(size >> 21) & 127, (size >> 14) & 127, (size >> 7) & 127, size & 127])
    return b"ID3\x03\x00\x00" + synchsafe + frame + b"\x00" * 20 + audio


WAV = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + b"\x00" * 24


# ---------------------------------------------------------------- the content check


@pytest.mark.parametrize(
    ("content", "kind", "duration"),
    [
        (MP3, "mp3", 3.1),
        (with_id3(MP3), "mp3", 3.1),
        (opus(), "opus", 2.0),
        (vorbis(), "vorbis", 2.0),
        (m4a(), "m4a", 2.0),
        (m4a(brand=b"mp42"), "m4a", 2.0),
        (m4a(brand=b"isom"), "m4a", 2.0),
    ],
)
def test_real_recordings_are_accepted_with_their_duration(content, kind, duration):
    stream = io.BytesIO(content)
    info = check_audio(stream)
    assert (info.format, info.duration) == (kind, duration)
    assert stream.tell() == 0  # rewound for saving
    assert info.content_type.startswith("audio/")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (_pdf(), "not_audio"),  # a PDF named luat.mp3
        (WAV, "not_audio"),  # WAV is not in the list
        (b"\x1aE\xdf\xa3" + b"\x00" * 64, "not_audio"),  # WebM
        (b"<html>" + b"x" * 100, "not_audio"),
        (MP3[:4] + b"\x00" * 2000, "not_audio"),  # one frame header, then no frame
        (b"OggS\x00\x02" + b"\x00" * 40 + b"\x80theora", "not_audio"),  # a video in Ogg
        (m4a(brand=b"qt  "), "not_audio"),  # a QuickTime film
        (m4a(handlers=(b"vide", b"soun")), "video"),
        (m4a(handlers=(b"text",)), "not_audio"),
        (m4a()[:40], "corrupt"),  # cut short: no moov
        (opus()[:60], "corrupt"),
    ],
)
def test_what_is_not_a_recording_is_refused_by_its_content(content, code):
    with pytest.raises(AudioCheckError) as refused:
        check_audio(io.BytesIO(content))
    assert refused.value.code == code and code in CODES


def test_a_recording_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(AudioCheckError) as refused:
        check_audio(io.BytesIO(MP3), max_bytes=len(MP3) - 1)
    assert refused.value.code == "too_large"
    # a stream longer than the size it announces is measured
    with pytest.raises(AudioCheckError):
        check_audio(io.BytesIO(MP3), size=10, max_bytes=len(MP3) - 1)
    assert check_audio(io.BytesIO(MP3), max_bytes=len(MP3)).format == "mp3"


# ---------------------------------------------------------------- the admin


def _post(client, document, **audio):
    data = {
        "title": document.title,
        "doc_type": document.doc_type,
        "summary": document.summary,
        "title_jra": "Hră tơlơi ung bơnai",
        "summary_jra": "Ung: 20 thŭn. Bơnai: 18 thŭn.",
        "body": document.body,
        "categories": [c.pk for c in document.categories.all()],
        "published": "on",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0",
        "relations_out-INITIAL_FORMS": "0",
        "audios-TOTAL_FORMS": "1",
        "audios-INITIAL_FORMS": "0",
        "audios-0-language": "jra",
        "audios-0-title": "Tóm tắt",
        "audios-0-reader": "Ksor H'Hen",
        "audios-0-position": "0",
        **{f"audios-0-{name}": value for name, value in audio.items()},
    }
    return client.post(f"/admin/legal_library/document/{document.pk}/change/", data)


def test_an_officer_adds_a_jrai_reading_and_the_jrai_version(client, officer, law):
    client.force_login(officer)
    upload = SimpleUploadedFile("ghi âm ../../x.mp3", MP3, "application/octet-stream")
    response = _post(client, law, file=upload)
    assert response.status_code == 302, response.content.decode()[:3000]
    audio = DocumentAudio.objects.get()
    assert (audio.document, audio.language, audio.format) == (law, "jra", "mp3")
    assert (audio.size, audio.duration) == (len(MP3), 3)
    assert re.fullmatch(r"legal/audio/\d{4}/[0-9a-f]{32}\.mp3", audio.file.name)
    law.refresh_from_db()
    assert law.title_jra == "Hră tơlơi ung bơnai"
    assert AuditEntry.objects.filter(content_type__model="documentaudio").count() == 1
    assert "title_jra" in law.revisions.first().changes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_pdf(), "không phải là bản ghi âm MP3, M4A hay Ogg"),  # a PDF renamed .mp3
        (WAV, "không phải là bản ghi âm MP3, M4A hay Ogg"),
        (m4a(handlers=(b"vide", b"soun")), "có hình"),
    ],
)
def test_a_file_that_is_not_a_recording_is_refused_in_vietnamese(
    client, officer, law, content, message
):
    client.force_login(officer)
    response = _post(client, law, file=SimpleUploadedFile("doc.mp3", content, "audio/mpeg"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DocumentAudio.objects.exists()


def test_the_size_limit_is_a_setting(client, officer, law, settings):
    settings.LIBRARY_AUDIO_MAX_BYTES = 4000
    client.force_login(officer)
    response = _post(client, law, file=SimpleUploadedFile("doc.mp3", MP3, "audio/mpeg"))
    assert response.status_code == 200
    assert "lớn hơn 3,9" in response.content.decode()  # 4000 bytes, as the officer reads it
    assert not DocumentAudio.objects.exists()


def test_the_service_checks_whichever_door_the_file_comes_in_by(law):
    from django.core.exceptions import ValidationError

    audio = DocumentAudio(document=law, file=ContentFile(_pdf(), name="luat.mp3"))
    with pytest.raises(ValidationError) as refused:
        services.audio_save(audio=audio, actor=None)
    assert "không phải là bản ghi âm" in str(refused.value)
    assert not DocumentAudio.objects.exists()


# ---------------------------------------------------------------- the page


def reading(document, content=MP3, **fields) -> DocumentAudio:
    audio = DocumentAudio(document=document, file=ContentFile(content, name="x.mp3"), **fields)
    return services.audio_save(audio=audio, actor=None)


def test_the_page_plays_each_reading_without_javascript(client, law):
    vi = reading(law, title="Tóm tắt", reader="Đoàn viên Thôn 3", position=1)
    jra = reading(law, content=opus(), language="jra", position=2)
    html = get(client, f"/van-ban/{law.slug}/").content.decode()
    section = html[html.index('id="nghe-doc"') : html.index("</section>", html.index("nghe-doc"))]
    assert "Nghe đọc" in section and "Tóm tắt" in section and "Đoàn viên Thôn 3" in section
    for audio in [vi, jra]:
        url = f"/van-ban/{law.slug}/nghe/{audio.pk}/"
        assert f'<audio controls preload="none" data-reading src="{url}">' in section
        assert f'<a href="{url}" download>' in section
    assert "Tiếng Jrai" in section and "Tiếng Việt" in section and "0:03" in section
    assert "<script" not in section and not re.search(r"\son[a-z]+=", section)
    assert section.index(str(vi.pk) + "/") < section.index(str(jra.pk) + "/")  # by position


def test_a_document_without_readings_or_jrai_shows_neither(client, law):
    html = get(client, f"/van-ban/{law.slug}/").content.decode()
    assert "nghe-doc" not in html and "ngon-ngu=jra" not in html


def test_the_jrai_view_is_a_page_of_its_own(client, point_a, law, officer):
    before = services.snapshot_of(law)
    law.title_jra, law.summary_jra = "Hră tơlơi ung bơnai", "Ung: 20 thŭn. Bơnai: 18 thŭn."
    services.document_save(document=law, actor=officer, before=before)
    vi_reading = reading(law)
    jra_reading = reading(law, language="jra")
    vietnamese = get(client, f"/van-ban/{law.slug}/").content.decode()
    assert '<h1 lang="vi">Luật Hôn nhân và gia đình</h1>' in vietnamese
    assert 'href="?ngon-ngu=jra" hreflang="jra"' in vietnamese
    assert "Ung: 20 thŭn" not in vietnamese

    url = f"/van-ban/{law.slug}/?ngon-ngu=jra"
    built = get(client, url)
    jrai = built.content.decode()
    assert not early(built)
    assert '<h1 lang="jra">Hră tơlơi ung bơnai</h1>' in jrai
    assert '<p class="subtitle" lang="vi">Luật Hôn nhân và gia đình</p>' in jrai
    assert '<p lang="jra">Ung: 20 thŭn. Bơnai: 18 thŭn.</p>' in jrai
    assert '<div class="body" lang="vi">' in jrai  # the legal text stays Vietnamese
    assert f'href="/van-ban/{law.slug}/" hreflang="vi"' in jrai
    # the Jrai readings first
    assert jrai.index(f"nghe/{jra_reading.pk}/") < jrai.index(f"nghe/{vi_reading.pk}/")
    cached = get(client, url)
    assert early(cached) and cached.content == built.content
    assert early(get(client, f"/van-ban/{law.slug}/"))
    # from a point: the way back and the switch keep the point
    from_point = get(client, f"/van-ban/{law.slug}/?diem=T03&ngon-ngu=jra").content.decode()
    assert f'href="/van-ban/{law.slug}/?diem=T03" hreflang="vi"' in from_point
    assert 'href="/l/T03/"' in from_point
    # anything else is the Vietnamese page
    other = get(client, f"/van-ban/{law.slug}/?ngon-ngu=en")
    assert other.content.decode() == vietnamese


def test_a_document_without_jrai_shows_its_vietnamese_page_for_the_jrai_address(client, law):
    html = get(client, f"/van-ban/{law.slug}/?ngon-ngu=jra").content.decode()
    assert '<h1 lang="vi">' in html and 'lang="jra"' not in html


def test_a_miss_with_readings_jrai_and_a_point_takes_at_most_five_queries(
    client, point_a, law, officer, django_assert_max_num_queries
):
    before = services.snapshot_of(law)
    law.title_jra = "Hră tơlơi ung bơnai"
    services.document_save(document=law, actor=officer, before=before)
    reading(law)
    reading(law, language="jra")
    for url in [
        f"/van-ban/{law.slug}/",
        f"/van-ban/{law.slug}/?ngon-ngu=jra",
        f"/van-ban/{law.slug}/?diem=T03&ngon-ngu=jra",
    ]:
        with django_assert_max_num_queries(5):
            response = get(client, url)
        assert response.status_code == 200 and "nghe-doc" in response.content.decode(), url


def test_a_change_to_the_readings_shows_at_once(client, law, django_capture_on_commit_callbacks):
    get(client, f"/van-ban/{law.slug}/")
    with django_capture_on_commit_callbacks(execute=True):
        audio = reading(law)
    assert "nghe-doc" in get(client, f"/van-ban/{law.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.audio_remove(audio=audio, actor=None)
    assert "nghe-doc" not in get(client, f"/van-ban/{law.slug}/").content.decode()


# ---------------------------------------------------------------- serving and counting


def listens(document) -> int:
    counting.flush()
    row = DocumentDailyCount.objects.filter(document=document).first()
    return row.listens if row else 0


def test_the_file_is_served_whole_or_in_the_part_asked_for(client, law):
    audio = reading(law)
    url = f"/van-ban/{law.slug}/nghe/{audio.pk}/"
    whole = get(client, url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == MP3
    assert whole["Content-Type"] == "audio/mpeg" and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == str(len(MP3))
    assert whole["X-Content-Type-Options"] == "nosniff" and "public" in whole["Cache-Control"]
    assert f'filename="{law.slug}-{audio.pk}.mp3"' in whole["Content-Disposition"]
    size = len(MP3)
    for header, first, last in [
        ("bytes=0-", 0, size - 1),
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, size - 1),
        ("bytes=-10", size - 10, size - 1),
        ("bytes=5000-999999", 5000, size - 1),
    ]:
        part = get(client, url, HTTP_RANGE=header)
        assert part.status_code == 206, header
        assert b"".join(part.streaming_content) == MP3[first : last + 1], header
        assert part["Content-Range"] == f"bytes {first}-{last}/{size}", header
        assert part["Content-Length"] == str(last - first + 1), header
    past = get(client, url, HTTP_RANGE=f"bytes={size}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{size}"
    for odd in ["bytes=abc", "bytes=0-1,5-9", "items=0-9", "bytes=9-2"]:
        assert get(client, url, HTTP_RANGE=odd).status_code == 200, odd


def test_a_play_counts_once_like_a_read(client, law):
    audio = reading(law)
    url = f"/van-ban/{law.slug}/nghe/{audio.pk}/"
    get(client, url, HTTP_RANGE="bytes=0-")  # a play starts
    get(client, url, HTTP_RANGE="bytes=3000-")  # the player seeks: the same play
    get(client, url, HTTP_RANGE="bytes=0-1")  # Safari's probe
    get(client, url)  # a download
    get(client, url, HTTP_RANGE="bytes=0-", **PREFETCH)  # the offline copy
    get(client, url, HTTP_RANGE="bytes=0-", HTTP_SEC_PURPOSE="prefetch")
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1")
    client.head(url, HTTP_USER_AGENT=PHONE)
    assert listens(law) == 2
    assert DocumentDailyCount.objects.get(document=law).reads == 0


def test_plays_without_redis_go_to_the_same_daily_row_as_reads(client, law):
    audio = reading(law)
    get(client, f"/van-ban/{law.slug}/")
    get(client, f"/van-ban/{law.slug}/nghe/{audio.pk}/", HTTP_RANGE="bytes=0-")
    counting.flush()
    row = DocumentDailyCount.objects.get(document=law)
    assert (row.reads, row.listens) == (1, 1)


def test_an_unpublished_documents_reading_is_404_to_the_public_and_plays_in_a_preview(
    client, officer, law, land_law, django_capture_on_commit_callbacks
):
    audio = reading(law)
    url = f"/van-ban/{law.slug}/nghe/{audio.pk}/"
    assert get(client, f"/van-ban/{land_law.slug}/nghe/{audio.pk}/").status_code == 404
    assert get(client, f"/van-ban/{law.slug}/nghe/{audio.pk + 1}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.document_set_published(document=law, published=False, actor=officer)
    assert get(client, url).status_code == 404
    client.force_login(officer)
    preview = get(client, url)
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    assert f"nghe/{audio.pk}/" in get(client, f"/van-ban/{law.slug}/?xem-truoc=1").content.decode()
    assert listens(law) == 0  # an officer's preview is not a listen


def test_a_reading_whose_file_is_gone_is_404(client, law):
    audio = reading(law)
    audio.file.storage.delete(audio.file.name)
    assert get(client, f"/van-ban/{law.slug}/nghe/{audio.pk}/").status_code == 404


def test_the_service_worker_keeps_readings_and_answers_parts_offline(client):
    script = client.get("/sw.js").content.decode()
    assert 'const CACHE = "thu-vien-v4";' in script
    assert "status: 206" in script and "Content-Range" in script
    assert '"?ngon-ngu=jra"' in script  # the Jrai view kept under its own address


def test_the_demo_has_readings_and_jrai(db):
    from core.demo import demo_load
    from legal_library.demo import demo_load as library_demo_load

    library_demo_load(demo_load().commune)
    assert DocumentAudio.objects.count() == 3
    assert {a.format for a in DocumentAudio.objects.all()} == {"mp3"}
    assert DocumentAudio.objects.filter(language="jra").count() == 2
    library_demo_load(demo_load().commune)  # idempotent
    assert DocumentAudio.objects.count() == 3
