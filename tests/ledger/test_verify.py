"""The archive proves itself: each way of changing it behind the application's back — with
write access to the database but not the ledger key — is found and named by verify_ledger."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from jifen.env import new_ledger_key
from jifen.ledger import keys, triggers
from jifen.ledger.chain import entry_digest
from jifen.ledger.enums import AnchorKind
from jifen.ledger.models import Anchor, ChainHead, Entry
from jifen.ledger.services import anchor_record
from tests.conftest import YEAR
from tests.scoring.helpers import give

pytestmark = pytest.mark.usefixtures("ledger_digest")

WRONG_SECRET = b"what an intruder would have to guess"
ENTRY = Entry._meta.db_table
HEAD = ChainHead._meta.db_table


@pytest.fixture
def wrong_key(ledger_digest):
    """A key of the installation's digest that is not the installation's key."""
    return keys.LedgerKey(WRONG_SECRET, ledger_digest)


@pytest.fixture
def chain(world):
    """Five entries for the member, one for another member of the branch."""
    entries = [give(world, world.member, month, "P03", 2) for month in range(1, 6)]
    give(world, world.outsider_member, 1, "P03", 2)
    return entries


def sql(statement, params=()):
    """Run raw SQL as an intruder with write access would, past the append-only triggers."""
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _anchor(world, quarter=1):
    """The member's chain anchored as a quarter's confirmation would anchor it."""
    return anchor_record(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=quarter,
        kind=AnchorKind.QUARTER_CONFIRMED,
        member_ids=[world.member.pk],
    )


def verify(*args):
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        try:
            call_command("verify_ledger", *args, stdout=out, stderr=err)
        except CommandError as error:
            return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_an_untouched_archive_is_intact_and_says_what_was_checked(chain, ledger_digest):
    out, _err, failure = verify()
    assert failure is None
    assert "Checked 6 entries in 2 chains, 2 chain heads and 0 anchors." in out
    assert f"Keyed digests: {ledger_digest.upper()}." in out
    assert "intact" in out


def test_each_entry_is_signed_with_the_digest_its_key_names(world, chain, ledger_digest):
    """The digest is the key's: the same secret under the other digest gives other marks."""
    _id, key = keys.current()
    other = keys.SM3 if ledger_digest == keys.SHA256 else keys.SHA256
    first = chain[0]
    assert key.digest == ledger_digest
    assert entry_digest(first, "0" * 64, key) == first.digest
    assert entry_digest(first, "0" * 64, keys.LedgerKey(key.secret, other)) != first.digest


def test_deleting_the_last_entry_is_found(world, chain):
    sql(f"DELETE FROM {ENTRY} WHERE id = %s", [chain[-1].pk])
    _out, err, failure = verify()
    assert "1 problems" in failure
    assert f"member {world.member.pk} (张三): the chain ends at #4 but its head records #5" in err


def test_deleting_the_last_three_entries_is_found(world, chain):
    sql(f"DELETE FROM {ENTRY} WHERE id IN (%s, %s, %s)", [e.pk for e in chain[-3:]])
    _out, err, failure = verify()
    assert failure
    assert "entries #3–#5 are missing from its end" in err


def test_deleting_every_entry_is_found(world, chain):
    sql(f"DELETE FROM {ENTRY} WHERE member_id = %s", [world.member.pk])
    _out, err, failure = verify()
    assert failure
    assert f"member {world.member.pk} (张三): its head records 5 entries but none is left" in err


def test_deleting_an_entry_from_the_middle_is_found(chain):
    sql(f"DELETE FROM {ENTRY} WHERE id = %s", [chain[2].pk])
    _out, err, _failure = verify()
    assert "entries #3 are missing from the middle" in err


def test_an_edited_entry_is_found_even_with_the_rest_of_the_chain_rehashed(world, chain, wrong_key):
    """The intruder edits entry 2 and recomputes every digest after it; without the key the
    digests cannot match."""
    sql(f"UPDATE {ENTRY} SET points = 20 WHERE id = %s", [chain[1].pk])
    previous = chain[0].digest
    for entry in Entry.objects.filter(member=world.member, seq__gte=2).order_by("seq"):
        previous = entry_digest(entry, previous, wrong_key)
        sql(f"UPDATE {ENTRY} SET digest = %s WHERE id = %s", [previous, entry.pk])
    sql(f"UPDATE {HEAD} SET digest = %s WHERE member_id = %s", [previous, world.member.pk])

    _out, err, failure = verify()

    assert failure
    assert "entries #2–#5 do not match their digests: changed or forged." in err
    assert "the chain's head does not match its mark: it was forged." in err


def test_a_forged_entry_with_a_recomputed_digest_is_found(world, chain, wrong_key):
    """A +50 entry appended at the end of the chain, its digest and the head recomputed as well
    as anyone can without the key."""
    last = chain[-1]
    forged = Entry(
        member=world.member,
        branch=world.branch,
        year=YEAR,
        month=6,
        item=last.item,
        category=last.category,
        points=Decimal(50),
        source=last.source,
        reason="伪造",
        recorded_by=world.secretary,
        recorded_at=last.recorded_at,
        seq=6,
        key_id=last.key_id,
    )
    forged.digest = entry_digest(forged, last.digest, wrong_key)
    triggers.remove(connection)
    Entry.objects.bulk_create([forged])
    sql(
        f"UPDATE {HEAD} SET seq = 6, digest = %s WHERE member_id = %s",
        [forged.digest, world.member.pk],
    )

    _out, err, failure = verify()

    assert failure
    assert "entries #6 do not match their digests" in err
    assert "the chain's head does not match its mark" in err


def test_an_entry_added_after_the_head_is_found(world, chain):
    sql(
        f"INSERT INTO {ENTRY} (member_id, branch_id, year, month, item_id, category, points, "
        "source, reason, evidence, recorded_at, seq, digest, key_id) "
        "SELECT member_id, branch_id, year, 6, item_id, category, 50, source, reason, evidence, "
        f"recorded_at, 6, digest, key_id FROM {ENTRY} WHERE id = %s",
        [chain[-1].pk],
    )
    _out, err, _failure = verify()
    assert "entries #6 come after the head (#5)" in err


def test_cutting_a_chain_back_to_an_older_head_is_found_by_the_anchor(world):
    """An intruder who kept the head row from when the chain ended at entry 4 deletes entry 5
    and puts that row back: chain and head agree again, but the anchor taken after entry 5
    still names it."""
    for month in range(1, 5):
        give(world, world.member, month, "P03", 2)
    kept = ChainHead.objects.values("seq", "digest", "mac").get(member=world.member)
    fifth = give(world, world.member, 5, "P03", 2)
    anchor = _anchor(world, quarter=2)
    sql(f"DELETE FROM {ENTRY} WHERE id = %s", [fifth.pk])
    sql(
        f"UPDATE {HEAD} SET seq = %s, digest = %s, mac = %s WHERE member_id = %s",
        [kept["seq"], kept["digest"], kept["mac"], world.member.pk],
    )

    _out, err, failure = verify()

    assert "1 problems" in failure
    assert f"entry #5, which anchor {anchor.digest[:8]}… (第一党支部 {YEAR} Q2" in err


def test_an_edited_anchor_is_found(world, chain):
    anchor = _anchor(world, quarter=1)
    heads = [[world.member.pk, 3, chain[2].digest]]
    sql(
        f"UPDATE {Anchor._meta.db_table} SET heads = %s WHERE id = %s",
        [connection.ops.adapt_json_value(heads, None), anchor.pk],
    )
    _out, err, _failure = verify()
    assert "does not match its code: it was changed." in err


def test_a_printed_anchor_code_is_checked(world, chain):
    anchor = _anchor(world, quarter=1)
    out, _err, failure = verify("--anchor", anchor.code.upper())
    assert failure is None
    assert "Checked 5 entries in 1 chains, 1 chain heads and 1 anchors." in out

    sql(f"DELETE FROM {ENTRY} WHERE id = %s", [chain[-1].pk])
    _out, err, failure = verify("--anchor", anchor.code)
    assert "entry #5, which anchor" in err

    _out, _err, failure = verify("--anchor", "0" * 64)
    assert "No anchor with this code is recorded" in failure


def test_an_entry_under_a_key_this_server_lacks_is_named(settings, chain):
    settings.JIFEN_LEDGER_KEYS = ["a new key, the old one lost"]
    _out, err, _failure = verify()
    assert f"entry #1 (id {chain[0].pk}) is signed with a key this server does not hold" in err


def test_a_retired_key_still_verifies_after_rotation(settings, world, chain):
    settings.JIFEN_LEDGER_KEYS = ["the new current key", *settings.JIFEN_LEDGER_KEYS]
    give(world, world.member, 6, "P03", 2)
    out, _err, failure = verify()
    assert failure is None, out
    keys_used = set(Entry.objects.filter(member=world.member).values_list("key_id", flat=True))
    assert len(keys_used) == 2


def test_changing_the_digest_keeps_older_entries_verifying(settings, world, chain, ledger_digest):
    """An installation that switches JIFEN_LEDGER_DIGEST and rotates: new entries, heads and
    anchors use the new digest, each older row still verifies under the digest of its key."""
    other = keys.SM3 if ledger_digest == keys.SHA256 else keys.SHA256
    settings.JIFEN_LEDGER_DIGEST = other
    settings.JIFEN_LEDGER_KEYS = [new_ledger_key(other), *settings.JIFEN_LEDGER_KEYS]
    give(world, world.member, 6, "P03", 2)
    anchor = _anchor(world, quarter=2)

    out, _err, failure = verify()

    assert failure is None, out
    assert f"Keyed digests: {', '.join(sorted([keys.SHA256.upper(), keys.SM3.upper()]))}." in out
    assert keys.by_id(anchor.key_id).digest == other
