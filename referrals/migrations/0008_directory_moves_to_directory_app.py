"""The service directory's models now belong to the directory app (directory 0001); the tables
stay, and referrals point at the same rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_referral_shares_name_the_assignee"), ("directory", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="referral",
                    name="service",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="referrals", to="directory.service"
                    ),
                ),
                migrations.AlterField(
                    model_name="referral",
                    name="redirected_to",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.service",
                    ),
                ),
                migrations.DeleteModel(name="ServiceAtLocation"),
                migrations.DeleteModel(name="Phone"),
                migrations.DeleteModel(name="Schedule"),
                migrations.DeleteModel(name="Language"),
                migrations.DeleteModel(name="ServiceArea"),
                migrations.DeleteModel(name="Address"),
                migrations.DeleteModel(name="DirectoryJob"),
                migrations.DeleteModel(name="Service"),
                migrations.DeleteModel(name="Location"),
                migrations.DeleteModel(name="TaxonomyTerm"),
            ]
        ),
    ]
