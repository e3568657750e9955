from django.core.files.base import ContentFile
from django.db import migrations, models


def move_contents_to_storage(apps, schema_editor):
    """Finished jobs' files leave the database for the file storage."""
    Job = apps.get_model("exchange", "Job")
    for job in Job.objects.exclude(content=None).iterator():
        extension = job.filename.rsplit(".", 1)[-1]
        job.file.save(f"{job.pk}.{extension}", ContentFile(bytes(job.content)), save=False)
        job.save(update_fields=["file"])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_workers")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="file",
            field=models.FileField(
                blank=True, max_length=200, upload_to="exports/%Y/%m/", verbose_name="file"
            ),
        ),
        migrations.RunPython(move_contents_to_storage, migrations.RunPython.noop),
        migrations.RemoveField(model_name="job", name="content"),
    ]
