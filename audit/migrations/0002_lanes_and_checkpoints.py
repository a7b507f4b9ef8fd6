"""The single chain becomes lane 0 of several: its events keep their sequence numbers and hashes
(digest version 1), its head is resealed over (lane, lane count, seq, hash) if, and only if, its old seal is
valid, so a forged head stays forged. Sequence numbers become unique per lane, and pages order by
id instead of seq. Going back works only while every event is still in lane 0."""

import hmac

from django.db import migrations, models
from django.utils.crypto import salted_hmac


def _old_seal(seq, digest):
    return salted_hmac("casehub.audit.head", f"{seq}:{digest}", algorithm="sha256").hexdigest()


def _lane_seal(lane, lanes, seq, digest):
    message = f"{lane}:{lanes}:{seq}:{digest}"
    return salted_hmac("casehub.audit.lane-head", message, algorithm="sha256").hexdigest()


def reseal_head_as_lane_0(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    for head in AuditHead.objects.all():
        if hmac.compare_digest(head.seal, _old_seal(head.seq, head.hash)):
            head.seal = _lane_seal(head.lane, head.lanes, head.seq, head.hash)
            head.save(update_fields=["seal"])


def reseal_lane_0_as_head(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    for head in AuditHead.objects.all():
        if hmac.compare_digest(head.seal, _lane_seal(head.lane, head.lanes, head.seq, head.hash)):
            head.seal = _old_seal(head.seq, head.hash)
            head.save(update_fields=["seal"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="lane",
            field=models.PositiveSmallIntegerField(default=0, db_default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="digest_version",
            field=models.PositiveSmallIntegerField(default=1, db_default=1),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["-id"]}),
        migrations.RemoveIndex(model_name="auditevent", name="casehub_aud_action_2e9a9a_idx"),
        migrations.RemoveIndex(model_name="auditevent", name="casehub_aud_organiz_5d3e25_idx"),
        migrations.RemoveIndex(model_name="auditevent", name="casehub_aud_actor_i_d6dbf8_idx"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "-id"], name="audit_event_action_id"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organization", "-id"], name="audit_event_org_id"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "-id"], name="audit_event_actor_id"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=["lane", "seq"], name="audit_event_lane_seq"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="lane",
            field=models.PositiveSmallIntegerField(default=0, db_default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="audithead",
            name="lane",
            field=models.PositiveSmallIntegerField(unique=True),
        ),
        migrations.AddField(
            model_name="audithead",
            name="lanes",
            field=models.PositiveSmallIntegerField(default=1, db_default=1),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("lane", models.PositiveSmallIntegerField(unique=True)),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
                ("seal", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(reseal_head_as_lane_0, reseal_lane_0_as_head),
    ]
