"""Who reaches the exchange pages (GET). Objects named in the URL are loaded through the user's
visibility, so an outsider gets 404; the roster import names no object and answers 403."""

from django.core.files.base import ContentFile

from jifen.exchange.enums import JobState, UploadKind
from jifen.exchange.models import Job, Upload
from tests.access import Case
from tests.exchange.helpers import ROSTER_HEADER, roster_row, xlsx

ADMINS_ONLY = {
    "anonymous": 302,
    "member": 403,
    "committee_member": 403,
    "secretary": 403,
    "reviewer": 403,
    "outsider": 403,
}
# Objects that only their owner (here the admin) sees; personas left out expect 200.
OWNER_ONLY = {**dict.fromkeys(ADMINS_ONLY, 404), "anonymous": 302}
BRANCH_STAFF = {"anonymous": 302, "member": 404, "outsider": 404}
MEMBER_AND_STAFF = {"anonymous": 302, "outsider": 404}


def _upload(world):
    upload = Upload.objects.create(
        kind=UploadKind.ROSTER,
        filename="名册.xlsx",
        content=xlsx(ROSTER_HEADER, [roster_row()]),
        created_by=world.admin,
    )
    return {"upload_id": upload.pk}


def _job(world):
    job = Job.objects.create(
        export="roster",
        params={"branch": world.branch.pk, "format": "csv"},
        state=JobState.DONE,
        file=ContentFile(b"name\n", name="roster.csv"),
        content_type="text/csv",
        filename="roster.csv",
        created_by=world.admin,
    )
    return {"job_id": job.pk}


CASES = [
    Case("exchange:index", {"anonymous": 302}),
    Case("exchange:evidence_export", ADMINS_ONLY, kwargs=lambda w: {"name": "audit"}),
    Case("exchange:evidence_export", ADMINS_ONLY, kwargs=lambda w: {"name": "access_records"}),
    Case("exchange:roster_template", ADMINS_ONLY),
    Case("exchange:roster_upload", ADMINS_ONLY),
    Case("exchange:items_template", OWNER_ONLY, kwargs=lambda w: {"scheme_id": w.scheme.pk}),
    Case("exchange:items_upload", OWNER_ONLY, kwargs=lambda w: {"scheme_id": w.scheme.pk}),
    Case("exchange:upload_preview", OWNER_ONLY, kwargs=_upload),
    Case("exchange:branch_exports", BRANCH_STAFF, kwargs=lambda w: {"branch_id": w.branch.pk}),
    Case(
        "exchange:branch_export",
        BRANCH_STAFF,
        kwargs=lambda w: {"branch_id": w.branch.pk, "name": "roster"},
    ),
    Case(
        "exchange:member_export",
        MEMBER_AND_STAFF,
        kwargs=lambda w: {"member_id": w.member.pk, "name": "ledger"},
    ),
    Case("exchange:job_detail", OWNER_ONLY, kwargs=_job),
    Case("exchange:job_download", OWNER_ONLY, kwargs=_job),
]
