"""The audit trail's tables move from the casehub app to this one: state only, the tables, their
trigger and their indexes stay as they are (casehub 0001-0003 made them; casehub 0012 lets go)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["auditevent", "audithead"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="casehub", model__in=MODELS).update(app_label="audit")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="audit", model__in=MODELS).update(app_label="casehub")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('casehub', '0011_safety_field_group'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('orgs', '0005_safety_capability'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='AuditHead',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('seq', models.PositiveBigIntegerField(default=0)),
                    ('hash', models.CharField(max_length=64)),
                    ('seal', models.CharField(max_length=64)),
                ],
                options={
                    'db_table': 'casehub_audithead',
                },
            ),
            migrations.CreateModel(
                name='AuditEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('seq', models.PositiveBigIntegerField(unique=True)),
                    ('created_at', models.DateTimeField()),
                    ('action', models.CharField(max_length=64)),
                    ('target_type', models.CharField(blank=True, max_length=64)),
                    ('target_id', models.CharField(blank=True, max_length=64)),
                    ('ip_address', models.GenericIPAddressField(null=True)),
                    ('request_id', models.CharField(blank=True, max_length=36)),
                    ('outcome', models.CharField(choices=[('success', 'Success'), ('failure', 'Failure'), ('denied', 'Denied')], default='success', max_length=10)),
                    ('details', models.JSONField(blank=True, default=dict)),
                    ('prev_hash', models.CharField(max_length=64)),
                    ('hash', models.CharField(max_length=64)),
                    ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('organization', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organization')),
                ],
                options={
                    'db_table': 'casehub_auditevent',
                    'ordering': ['-seq'],
                    'indexes': [models.Index(fields=['action', '-seq'], name='casehub_aud_action_2e9a9a_idx'), models.Index(fields=['organization', '-seq'], name='casehub_aud_organiz_5d3e25_idx'), models.Index(fields=['actor', '-seq'], name='casehub_aud_actor_i_d6dbf8_idx')],
                },
            ),
        ]),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
