"""Existing members' ID numbers, phones and birth dates encrypted under the current personal
data key, with the ID number's blind index (jifen/orgs/encryption.py); going back decrypts them
(the key is needed both ways).

The clear values stay in the database files' free space and in earlier backups until those are
overwritten: run VACUUM after migrating (README, "Personal data")."""

from django.db import migrations

from jifen.orgs import encryption
from jifen.orgs.validators import normalise_id_number

TABLE = "orgs_member"
COLUMNS = {name: f"orgs.member.{name}" for name in ("id_number", "phone", "birth_date")}
BATCH = 1000


def _rows(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, id_number, phone, birth_date FROM {TABLE} ORDER BY id")
        return cursor.fetchall()


def _write(connection, rows):
    statement = (
        f"UPDATE {TABLE} SET id_number = %s, phone = %s, birth_date = %s, id_number_index = %s "
        "WHERE id = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(statement, rows[start : start + BATCH])


def _encrypt(value, column):
    return encryption.encrypt(str(value), column) if value not in (None, "") else value


def encrypt_rows(apps, schema_editor):
    rows, seen = [], {}
    for pk, id_number, phone, birth_date in _rows(schema_editor.connection):
        number = normalise_id_number(id_number)
        if number in seen:
            raise RuntimeError(
                f"Members {seen[number]} and {pk} have the same ID number once written alike "
                "(spaces, full-width digits, x and X); correct one of them, then migrate again."
            )
        seen[number] = pk
        rows.append(
            (
                _encrypt(number, COLUMNS["id_number"]),
                _encrypt(phone, COLUMNS["phone"]),
                _encrypt(birth_date, COLUMNS["birth_date"]),
                encryption.blind_index(number),
                pk,
            )
        )
    _write(schema_editor.connection, rows)


def _decrypt(value, column):
    return encryption.decrypt(value, column) if value not in (None, "") else value


def decrypt_rows(apps, schema_editor):
    rows = [
        (
            _decrypt(id_number, COLUMNS["id_number"]),
            _decrypt(phone, COLUMNS["phone"]),
            _decrypt(birth_date, COLUMNS["birth_date"]),
            None,
            pk,
        )
        for pk, id_number, phone, birth_date in _rows(schema_editor.connection)
    ]
    _write(schema_editor.connection, rows)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_personal_data_columns'),
    ]

    operations = [
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
