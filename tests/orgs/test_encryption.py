"""The roster's ID numbers, phones and birth dates are encrypted at rest under a key outside the
database; ID numbers are found and kept unique through a keyed blind index."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from jifen.env import new_personal_data_key, personal_data_keys
from jifen.errors import DomainError
from jifen.orgs import encryption, services
from jifen.orgs.models import Member
from jifen.orgs.selectors import member_by_id_number, members_by_id_number
from tests.factories import MemberFactory, valid_id_number

PHONE = "13912345678"
BORN = datetime.date(1990, 3, 1)


@pytest.fixture(params=[encryption.AES_GCM, encryption.SM4_GCM])
def cipher(request, settings) -> str:
    """Runs a test with an AES-256-GCM key and with an SM4-GCM (国密) key as the current one
    (the key the personas were written with stays, as a retired key)."""
    settings.JIFEN_PERSONAL_DATA_CIPHER = request.param
    settings.JIFEN_PERSONAL_DATA_KEYS = [
        new_personal_data_key(request.param),
        *settings.JIFEN_PERSONAL_DATA_KEYS,
    ]
    return request.param


def _stored(member, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM orgs_member WHERE id = %s", [member.pk])
        return cursor.fetchone()


def _member(world, **fields):
    values = {
        "name": "王五",
        "gender": "male",
        "id_number": valid_id_number(4242),
        "join_date": datetime.date(2015, 7, 1),
        "phone": PHONE,
        "birth_date": BORN,
    }
    return services.member_create(actor=world.admin, branch=world.branch, **values | fields)


# A valid ID number whose check character is X.
X_NUMBER = next(valid_id_number(n) for n in range(4000, 5000) if valid_id_number(n)[-1] == "X")


def test_the_database_holds_the_values_encrypted_and_python_the_plain_ones(world, cipher):
    member = _member(world)

    stored = _stored(member, "id_number", "phone", "birth_date", "id_number_index")

    key = encryption.current()
    assert all(value.startswith(f"{key.id}$") for value in stored[:3])
    assert valid_id_number(4242) not in str(stored) and PHONE not in str(stored)
    assert "1990-03-01" not in str(stored)
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.id_number, fresh.phone, fresh.birth_date) == (valid_id_number(4242), PHONE, BORN)
    assert key.cipher == cipher


def test_each_value_is_encrypted_afresh(world):
    """The same phone twice gives two different texts: equal values cannot be spotted."""
    first, second = _member(world), MemberFactory(phone=PHONE)
    assert _stored(first, "phone") != _stored(second, "phone")


def test_a_value_moved_to_another_column_does_not_decrypt(world):
    member = _member(world)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_member SET phone = id_number WHERE id = %s", [member.pk])
    with pytest.raises(encryption.UnreadableValue):
        Member.objects.get(pk=member.pk)


def test_the_blind_index_depends_on_the_cipher_and_the_key(settings):
    number = valid_id_number(1)
    aes, sm4 = (
        encryption.parse(new_personal_data_key(c)) for c in (encryption.AES_GCM, encryption.SM4_GCM)
    )
    assert (aes.index_hash, sm4.index_hash) == ("sha256", "sm3")
    assert encryption.blind_index(number, aes) != encryption.blind_index(number, sm4)
    other = encryption.parse(new_personal_data_key(encryption.AES_GCM))
    assert encryption.blind_index(number, aes) != encryption.blind_index(number, other)


def test_the_encrypted_fields_cannot_be_compared_in_the_database(world):
    with pytest.raises(FieldError, match="stored encrypted"):
        list(Member.objects.filter(id_number=world.member.id_number))
    with pytest.raises(FieldError):
        list(Member.objects.filter(birth_date__year=1990))
    assert Member.objects.filter(birth_date__isnull=True).count() == 2


def test_members_are_found_by_id_number_however_it_is_written(world, cipher):
    member = _member(world, id_number=X_NUMBER)
    number = member.id_number
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[:6]) + " " + number[6:].lower()

    assert member_by_id_number(full_width) == member
    assert members_by_id_number([number, world.member.id_number, "", "nobody"]) == {
        number: member,
        world.member.id_number: world.member,
    }


@pytest.mark.parametrize("written", [str.lower, lambda n: f" {n[:6]} {n[6:]} "])
def test_an_id_number_already_in_the_roster_is_refused(world, written):
    number = X_NUMBER
    _member(world, id_number=number)
    with pytest.raises(DomainError, match="已在党员名册中"):
        _member(world, id_number=written(number))


def test_the_database_refuses_a_second_row_with_the_same_number(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.bulk_create(
            [
                Member(
                    name="重复",
                    gender="male",
                    id_number=world.member.id_number,
                    join_date=datetime.date(2015, 7, 1),
                    branch=world.branch,
                )
            ]
        )


def test_changing_the_id_number_moves_its_index(world):
    services.member_update(actor=world.admin, member=world.member, id_number=valid_id_number(77))
    assert member_by_id_number(valid_id_number(77)) == world.member
    assert member_by_id_number(valid_id_number(0)) is None


def test_the_roster_search_finds_a_whole_id_number(client, world):
    MemberFactory(name="另一人", branch=world.branch)
    client.force_login(world.admin)
    response = client.get("/orgadmin/members/", {"search": world.member.id_number.lower()})
    assert [m.name for m in response.context["page"]] == ["张三"]


def test_rotation_then_reencryption_moves_every_row_to_the_new_key(world, settings, cipher):
    member = _member(world)
    old = encryption.current()
    settings.JIFEN_PERSONAL_DATA_KEYS = [
        new_personal_data_key(cipher),
        *settings.JIFEN_PERSONAL_DATA_KEYS,
    ]

    # Before re-encryption the rows are read, and found, under the retired key.
    assert member_by_id_number(member.id_number) == member
    out = StringIO()
    call_command("reencrypt_personal_data", stdout=out)

    assert "可以删除停用的密钥" in out.getvalue()
    new = encryption.current()
    assert all(
        v.startswith(f"{new.id}$") for v in _stored(member, "id_number", "phone", "birth_date")
    )
    settings.JIFEN_PERSONAL_DATA_KEYS = settings.JIFEN_PERSONAL_DATA_KEYS[:1]
    fresh = member_by_id_number(member.id_number)
    assert (fresh.pk, fresh.phone, fresh.birth_date) == (member.pk, PHONE, BORN)
    assert new.id != old.id


def test_reencryption_reports_values_left_under_a_retired_key(world, settings, monkeypatch):
    settings.JIFEN_PERSONAL_DATA_KEYS = [
        new_personal_data_key(encryption.AES_GCM),
        *settings.JIFEN_PERSONAL_DATA_KEYS,
    ]
    monkeypatch.setattr(services, "_reencrypt", lambda ids: None)
    with pytest.raises(CommandError, match="停用的密钥"):
        call_command("reencrypt_personal_data", stdout=StringIO())


def test_a_key_file_is_made_once_with_the_chosen_cipher(tmp_path, monkeypatch):
    monkeypatch.delenv("JIFEN_PERSONAL_DATA_KEY", raising=False)
    [key] = personal_data_keys(tmp_path, encryption.SM4_GCM)
    assert encryption.parse(key).cipher == encryption.SM4_GCM
    assert personal_data_keys(tmp_path, encryption.AES_GCM) == [key]
    assert (tmp_path / "personal_data_key").stat().st_mode & 0o777 == 0o600


def test_rotation_puts_a_new_key_first(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("JIFEN_PERSONAL_DATA_KEY", raising=False)
    settings.VAR_DIR = tmp_path
    [old] = personal_data_keys(tmp_path, encryption.AES_GCM)
    settings.JIFEN_PERSONAL_DATA_CIPHER = encryption.SM4_GCM

    call_command("rotate_personal_data_key", stdout=StringIO())

    new, kept = personal_data_keys(tmp_path, encryption.AES_GCM)
    assert kept == old and encryption.parse(new).cipher == encryption.SM4_GCM


def test_rotation_with_keys_in_the_environment_says_what_to_set(monkeypatch):
    monkeypatch.setenv("JIFEN_PERSONAL_DATA_KEY", new_personal_data_key(encryption.AES_GCM))
    out = StringIO()
    call_command("rotate_personal_data_key", stdout=out)
    assert "JIFEN_PERSONAL_DATA_RETIRED_KEYS" in out.getvalue()
