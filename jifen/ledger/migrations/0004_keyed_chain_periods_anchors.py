"""The keyed archive: entries signed with HMAC under a key outside the database, a head per
chain, anchors, the months' stages (replacing month locks), and triggers that refuse UPDATE
and DELETE of entries and anchors beneath the ORM."""

import datetime
import hashlib
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from jifen.ledger import chain, keys, triggers

LEGACY_GENESIS = "0" * 64


def _legacy_digest(entry, previous):
    """The unkeyed SHA-256 of releases before this one, to check entries before sealing them."""
    recorded_at = entry.recorded_at.astimezone(datetime.UTC).isoformat(
        timespec="microseconds"
    )
    payload = [
        previous,
        entry.seq,
        entry.member_id,
        entry.branch_id,
        entry.year,
        entry.month,
        entry.item_id,
        entry.category,
        f"{entry.points:.1f}",
        entry.commendation_level_id,
        entry.source,
        entry.reason,
        entry.evidence,
        entry.reverses_id,
        entry.recorded_by_id,
        recorded_at,
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def copy_month_locks(apps, schema_editor):
    MonthLock, Period = apps.get_model("ledger", "MonthLock"), apps.get_model("ledger", "Period")
    Period.objects.bulk_create(
        Period(branch_id=lock.branch_id, year=lock.year, month=lock.month, stage="locked",
               scheme_id=lock.scheme_id)
        for lock in MonthLock.objects.all()
    )


def seal_archive(apps, schema_editor):
    """Check every chain under the old digest, then sign it again under the ledger key and
    record its head. A chain already broken is not sealed: the migration stops and names it."""
    Entry, ChainHead = apps.get_model("ledger", "Entry"), apps.get_model("ledger", "ChainHead")
    key_id, key = keys.current()
    member_id, legacy, keyed, batch, heads = None, LEGACY_GENESIS, chain.GENESIS, [], []
    last = None
    for entry in Entry.objects.order_by("member_id", "seq").iterator(chunk_size=5000):
        if entry.member_id != member_id:
            if last is not None:
                heads.append(_head(ChainHead, last, key))
            member_id, legacy, keyed = entry.member_id, LEGACY_GENESIS, chain.GENESIS
        if _legacy_digest(entry, legacy) != entry.digest:
            raise RuntimeError(
                f"The points archive was already broken at entry {entry.pk} (member "
                f"{entry.member_id}, number {entry.seq}); it cannot be sealed. Restore the "
                "entry from a backup, then migrate again."
            )
        legacy = entry.digest
        entry.key_id = key_id
        entry.digest = keyed = chain.entry_digest(entry, keyed, key)
        batch.append(entry)
        last = entry
        if len(batch) >= 5000:
            Entry.objects.bulk_update(batch, ["digest", "key_id"])
            batch = []
    if last is not None:
        heads.append(_head(ChainHead, last, key))
    Entry.objects.bulk_update(batch, ["digest", "key_id"])
    ChainHead.objects.bulk_create(heads, batch_size=1000)


def _head(ChainHead, entry, key):
    return ChainHead(
        member_id=entry.member_id,
        seq=entry.seq,
        digest=entry.digest,
        mac=chain.head_mac(entry.member_id, entry.seq, entry.digest, key),
        key_id=entry.key_id,
    )


def install_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_drop_year_category_index'),
        ('orgs', '0001_initial'),
        ('schemes', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Anchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('quarter', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='quarter')),
                ('kind', models.CharField(choices=[('quarter_confirmed', 'Quarter confirmed by the general meeting'), ('year_filed', 'Year filed by the parent organisation')], max_length=20, verbose_name='kind')),
                ('heads', models.JSONField(default=list)),
                ('entries', models.PositiveIntegerField(verbose_name='entries')),
                ('created_at', models.DateTimeField(verbose_name='created at')),
                ('digest', models.CharField(max_length=64, unique=True, verbose_name='anchor code')),
                ('key_id', models.CharField(max_length=8)),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='anchors', to='orgs.organisation')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'anchor',
                'verbose_name_plural': 'anchors',
                'ordering': ['branch_id', 'year', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('member', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='chain_head', serialize=False, to='orgs.member')),
                ('seq', models.PositiveIntegerField()),
                ('digest', models.CharField(max_length=64)),
                ('mac', models.CharField(max_length=64)),
                ('key_id', models.CharField(max_length=8)),
            ],
            options={
                'verbose_name': 'chain head',
                'verbose_name_plural': 'chain heads',
            },
        ),
        migrations.CreateModel(
            name='Period',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('month', models.PositiveSmallIntegerField(verbose_name='month')),
                ('stage', models.CharField(choices=[('open', 'Open'), ('confirmed', 'Confirmed by the general meeting'), ('locked', 'Locked after the notice'), ('filed', 'Filed by the parent organisation')], default='open', max_length=20, verbose_name='stage')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='changed at')),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='periods', to='orgs.organisation')),
                ('scheme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='month_locks', to='schemes.scheme')),
            ],
            options={
                'verbose_name': 'period',
                'verbose_name_plural': 'periods',
                'ordering': ['branch_id', 'year', 'month'],
                'constraints': [
                    models.UniqueConstraint(fields=('branch', 'year', 'month'), name='unique_period'),
                    models.CheckConstraint(condition=models.Q(('month__gte', 1), ('month__lte', 12)), name='period_month'),
                    models.CheckConstraint(condition=models.Q(('stage__in', ['open', 'confirmed']), ('scheme__isnull', False), _connector='OR'), name='period_locked_scheme'),
                ],
            },
        ),
        migrations.RunPython(copy_month_locks, migrations.RunPython.noop),
        migrations.DeleteModel(name='MonthLock'),
        migrations.AddField(
            model_name='entry',
            name='key_id',
            field=models.CharField(default='', max_length=8),
            preserve_default=False,
        ),
        migrations.RunPython(seal_archive, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('reverses__isnull', False), models.Q(('category', 'deduction'), ('points__lte', 0)), models.Q(('category__in', ['performance', 'commendation']), ('points__gte', 0)), models.Q(('category__in', ['base', 'veto']), ('points', 0)), _connector='OR'), name='entry_points_sign'),
        ),
        # Last: on SQLite the constraint above rebuilds the table, which would drop triggers.
        migrations.RunPython(install_triggers, remove_triggers),
    ]
