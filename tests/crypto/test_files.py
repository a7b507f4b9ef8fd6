import io

import pytest
from django.core.files.storage import FileSystemStorage

from casehub.crypto.errors import DecryptionError
from casehub.crypto.files import AttachmentRejected, attachment_open, attachment_store, sniff_content_type
from tests.crypto.factories import a_case, a_record

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40  # 10 KiB, spans several 1 KiB chunks


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


@pytest.fixture
def record(cast):
    return a_record(a_case(cast.owner.organization), name="owner of the file")


def store(record, storage, data=PDF, **kwargs):
    return attachment_store(record=record, upload=io.BytesIO(data), storage=storage, chunk_bytes=1024, **kwargs)


def read(record, storage, name) -> bytes:
    return b"".join(attachment_open(record=record, name=name, storage=storage))


def on_disk(storage, name) -> bytes:
    with storage.open(name, "rb") as handle:
        return handle.read()


def put(storage, name, data: bytes) -> None:
    storage.delete(name)
    storage.save(name, io.BytesIO(data))


def test_an_attachment_round_trips(record, storage):
    stored = store(record, storage)
    assert read(record, storage, stored.name) == PDF
    assert (stored.size, stored.content_type) == (len(PDF), "application/pdf")


def test_an_attachment_of_whole_chunks_round_trips(record, storage):
    data = b"%PDF-" + b"x" * (4096 - 5)
    assert read(record, storage, store(record, storage, data).name) == data


def test_the_file_on_disk_is_ciphertext(record, storage):
    stored = store(record, storage)
    assert b"%PDF" not in on_disk(storage, stored.name)


def test_the_stored_name_does_not_carry_the_original_file_name(record, storage):
    assert store(record, storage).name.startswith(f"attachments/{record.uuid}/")


def test_a_file_of_an_unaccepted_type_is_refused(record, storage):
    with pytest.raises(AttachmentRejected, match="type"):
        store(record, storage, b"MZ\x90\x00 an executable")


def test_the_type_is_read_from_the_content_not_the_name():
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n....") == "image/png"


def test_a_file_over_the_size_limit_is_refused(record, storage):
    with pytest.raises(AttachmentRejected, match="larger"):
        store(record, storage, max_bytes=4096)


def test_a_refused_file_leaves_nothing_in_storage(record, storage, tmp_path):
    with pytest.raises(AttachmentRejected):
        store(record, storage, max_bytes=4096)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_truncated_file_is_detected(record, storage):
    stored = store(record, storage)
    data = on_disk(storage, stored.name)
    put(storage, stored.name, data[: 16 + 3 * (12 + 1024 + 16)])
    with pytest.raises(DecryptionError, match="truncated"):
        read(record, storage, stored.name)


def test_reordered_chunks_are_detected(record, storage):
    stored = store(record, storage)
    data = on_disk(storage, stored.name)
    block = 12 + 1024 + 16
    first, second = data[16 : 16 + block], data[16 + block : 16 + 2 * block]
    put(storage, stored.name, data[:16] + second + first + data[16 + 2 * block :])
    with pytest.raises(DecryptionError):
        read(record, storage, stored.name)


def test_a_flipped_bit_in_a_file_is_detected(record, storage):
    stored = store(record, storage)
    data = bytearray(on_disk(storage, stored.name))
    data[2000] ^= 1
    put(storage, stored.name, bytes(data))
    with pytest.raises(DecryptionError):
        read(record, storage, stored.name)


def test_bytes_appended_after_the_final_chunk_are_detected(record, storage):
    stored = store(record, storage)
    put(storage, stored.name, on_disk(storage, stored.name) + b"extra")
    with pytest.raises(DecryptionError):
        read(record, storage, stored.name)


def test_a_file_moved_to_another_record_is_detected(cast, record, storage):
    other = a_record(record.case)
    stored = store(record, storage)
    with pytest.raises(DecryptionError):
        read(other, storage, stored.name)


def test_a_file_swapped_with_another_of_the_same_record_is_detected(record, storage):
    first, second = store(record, storage), store(record, storage)
    put(storage, first.name, on_disk(storage, second.name))
    with pytest.raises(DecryptionError):
        read(record, storage, first.name)


def test_the_size_limit_is_named_in_megabytes(record, storage):
    with pytest.raises(AttachmentRejected, match=r"larger than 1\.0 MB"):
        store(record, storage, b"%PDF-1.4\n" + b"0" * 1024 * 1024, max_bytes=1024 * 1024)
