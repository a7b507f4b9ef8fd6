"""The service directory's models move from the referrals app to this one: state only; the tables
(named referrals_*), their indexes and constraints stay as they are (referrals 0001-0006 made
them; referrals 0008 lets go)."""

import directory.models
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


MODELS = [
    "taxonomyterm", "service", "location", "address", "serviceatlocation", "phone", "schedule",
    "language", "servicearea", "directoryjob",
]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="referrals", model__in=MODELS).update(app_label="directory")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="directory", model__in=MODELS).update(app_label="referrals")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('referrals', '0007_referral_shares_name_the_assignee'),
        ('orgs', '0005_safety_capability'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='DirectoryJob',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('kind', models.CharField(choices=[('import_json', 'Import HSDS JSON'), ('import_tabular', 'Import an HSDS tabular package'), ('export_json', 'Export HSDS JSON'), ('export_tabular', 'Export an HSDS tabular package')], max_length=20)),
                    ('scope', models.CharField(blank=True, max_length=10)),
                    ('status', models.CharField(choices=[('pending', 'Waiting to start'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=10)),
                    ('total', models.PositiveIntegerField(default=0)),
                    ('done', models.PositiveIntegerField(default=0)),
                    ('upload', models.FileField(blank=True, upload_to=directory.models.directory_job_path)),
                    ('result', models.FileField(blank=True, upload_to=directory.models.directory_job_path)),
                    ('report', models.JSONField(blank=True, default=dict)),
                    ('error', models.CharField(blank=True, choices=[('rejected', 'Records were rejected: nothing was imported'), ('unreadable', 'The file could not be read'), ('internal', 'An unexpected error stopped the job')], max_length=20)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.organization')),
                    ('started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'referrals_directoryjob',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='Location',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('location_type', models.CharField(choices=[('physical', 'Physical'), ('postal', 'Postal'), ('virtual', 'Virtual')], default='physical', max_length=10, verbose_name='type')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('alternate_name', models.CharField(blank=True, max_length=200, verbose_name='alternate name')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('url', models.URLField(blank=True, verbose_name='web address')),
                    ('transportation', models.TextField(blank=True, verbose_name='how to get there')),
                    ('latitude', models.FloatField(blank=True, null=True, verbose_name='latitude')),
                    ('longitude', models.FloatField(blank=True, null=True, verbose_name='longitude')),
                    ('region', models.CharField(blank=True, max_length=100, verbose_name='region')),
                    ('visibility', models.CharField(choices=[('public', 'Public'), ('network', 'Network members only'), ('confidential', 'Confidential')], default='confidential', max_length=20, verbose_name='visibility')),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='locations', to='orgs.organization')),
                ],
                options={
                    'db_table': 'referrals_location',
                    'ordering': ['name', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Address',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('attention', models.CharField(blank=True, max_length=200, verbose_name='attention')),
                    ('address_1', models.CharField(max_length=200, verbose_name='street address')),
                    ('address_2', models.CharField(blank=True, max_length=200, verbose_name='address line 2')),
                    ('city', models.CharField(max_length=100, verbose_name='city')),
                    ('region', models.CharField(blank=True, max_length=100, verbose_name='region')),
                    ('state_province', models.CharField(max_length=100, verbose_name='state or province')),
                    ('postal_code', models.CharField(max_length=20, verbose_name='postal code')),
                    ('country', models.CharField(max_length=2, verbose_name='country (ISO 3166 code)')),
                    ('address_type', models.CharField(choices=[('physical', 'Physical'), ('postal', 'Postal'), ('virtual', 'Virtual')], default='physical', max_length=10)),
                    ('location', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='addresses', to='directory.location')),
                ],
                options={
                    'db_table': 'referrals_address',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='Service',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('alternate_name', models.CharField(blank=True, max_length=200, verbose_name='alternate name')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('url', models.URLField(blank=True, verbose_name='web address')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                    ('status', models.CharField(choices=[('active', 'Active'), ('inactive', 'Inactive'), ('defunct', 'Defunct'), ('temporarily closed', 'Temporarily closed')], default='active', max_length=20, verbose_name='status')),
                    ('accepting_referrals', models.BooleanField(default=True, verbose_name='accepting referrals')),
                    ('interpretation_available', models.BooleanField(default=False, verbose_name='interpretation available')),
                    ('interpretation_services', models.TextField(blank=True, verbose_name='interpretation (details)')),
                    ('application_process', models.TextField(blank=True, verbose_name='how to apply')),
                    ('fees_description', models.TextField(blank=True, verbose_name='fees')),
                    ('response_hours', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='answers referrals within (hours)')),
                    ('specializations', models.JSONField(blank=True, default=list, verbose_name='specializations')),
                    ('minimum_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='minimum age')),
                    ('maximum_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='maximum age')),
                    ('serves_female', models.BooleanField(default=True, verbose_name='serves women and girls')),
                    ('serves_male', models.BooleanField(default=True, verbose_name='serves men and boys')),
                    ('serves_non_binary', models.BooleanField(default=True, verbose_name='serves non-binary people')),
                    ('accompanied_children', models.BooleanField(default=False, verbose_name='accepts accompanying children')),
                    ('staff_genders', models.JSONField(blank=True, default=list, verbose_name='staff genders available')),
                    ('immigration_statuses', models.JSONField(blank=True, default=list, verbose_name='immigration statuses served')),
                    ('nationality_note', models.CharField(blank=True, max_length=200, verbose_name='nationality requirements')),
                    ('required_documents', models.JSONField(blank=True, default=list, verbose_name='documents required')),
                    ('referral_only', models.BooleanField(default=False, verbose_name='by referral only')),
                    ('eligibility_note', models.TextField(blank=True, verbose_name='other eligibility notes')),
                    ('capacity_status', models.CharField(choices=[('has_capacity', 'Has capacity'), ('no_capacity', 'No capacity'), ('waitlist', 'Waitlist'), ('assessment_needed', 'Assessment needed')], default='assessment_needed', max_length=20, verbose_name='capacity')),
                    ('capacity_unit', models.CharField(blank=True, choices=[('beds', 'Beds'), ('appointments', 'Appointments'), ('interpreter_hours', 'Interpreter hours')], max_length=20, verbose_name='unit')),
                    ('capacity_available', models.PositiveIntegerField(blank=True, null=True, verbose_name='available')),
                    ('capacity_maximum', models.PositiveIntegerField(blank=True, null=True, verbose_name='maximum')),
                    ('capacity_updated_at', models.DateTimeField(blank=True, null=True, verbose_name='capacity updated')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='services', to='orgs.organization')),
                ],
                options={
                    'db_table': 'referrals_service',
                    'ordering': ['name', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Schedule',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('freq', models.CharField(blank=True, choices=[('WEEKLY', 'Weekly'), ('MONTHLY', 'Monthly')], max_length=10)),
                    ('byday', models.CharField(blank=True, max_length=40)),
                    ('opens_at', models.TimeField(blank=True, null=True)),
                    ('closes_at', models.TimeField(blank=True, null=True)),
                    ('description', models.TextField(blank=True)),
                    ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='directory.location')),
                    ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='directory.service')),
                ],
                options={
                    'db_table': 'referrals_schedule',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='Phone',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('number', models.CharField(max_length=40, verbose_name='number')),
                    ('extension', models.CharField(blank=True, max_length=20, verbose_name='extension')),
                    ('type', models.CharField(blank=True, max_length=20, verbose_name='type')),
                    ('description', models.CharField(blank=True, max_length=200, verbose_name='description')),
                    ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.location')),
                    ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='phones', to='directory.service')),
                ],
                options={
                    'db_table': 'referrals_phone',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='Language',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('code', models.CharField(max_length=3, verbose_name='ISO 639 code')),
                    ('name', models.CharField(blank=True, max_length=100, verbose_name='name')),
                    ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                    ('location', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='languages', to='directory.location')),
                    ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='languages', to='directory.service')),
                ],
                options={
                    'db_table': 'referrals_language',
                    'ordering': ['code', 'id'],
                },
            ),
            migrations.CreateModel(
                name='ServiceArea',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('description', models.TextField(blank=True)),
                    ('region', models.CharField(blank=True, max_length=100, verbose_name='region')),
                    ('country', models.CharField(blank=True, max_length=2, verbose_name='country (ISO 3166 code)')),
                    ('extent', models.TextField(blank=True, verbose_name='extent (GeoJSON)')),
                    ('extent_type', models.CharField(blank=True, max_length=20)),
                    ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_areas', to='directory.service')),
                ],
                options={
                    'db_table': 'referrals_servicearea',
                    'ordering': ['name', 'id'],
                },
            ),
            migrations.CreateModel(
                name='ServiceAtLocation',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('description', models.TextField(blank=True)),
                    ('location', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_at_locations', to='directory.location')),
                    ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='service_at_locations', to='directory.service')),
                ],
                options={
                    'db_table': 'referrals_serviceatlocation',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='TaxonomyTerm',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('code', models.CharField(max_length=100, unique=True)),
                    ('name', models.CharField(max_length=200)),
                    ('description', models.TextField(blank=True)),
                    ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='directory.taxonomyterm')),
                ],
                options={
                    'db_table': 'referrals_taxonomyterm',
                    'ordering': ['code'],
                },
            ),
            migrations.AddField(
                model_name='service',
                name='kind',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='services', to='directory.taxonomyterm', verbose_name='kind'),
            ),
            migrations.AddIndex(
                model_name='location',
                index=models.Index(fields=['latitude', 'longitude'], name='referrals_l_latitud_15a948_idx'),
            ),
            migrations.AddIndex(
                model_name='language',
                index=models.Index(fields=['code', 'service'], name='referrals_l_code_5d0bfb_idx'),
            ),
            migrations.AddIndex(
                model_name='servicearea',
                index=models.Index(fields=['region'], name='referrals_s_region_452950_idx'),
            ),
            migrations.AddConstraint(
                model_name='serviceatlocation',
                constraint=models.UniqueConstraint(fields=('service', 'location'), name='one_link_per_service_location'),
            ),
            migrations.AddIndex(
                model_name='service',
                index=models.Index(fields=['kind', 'status', 'accepting_referrals'], name='referrals_s_kind_id_3fde3b_idx'),
            ),
        ]),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
