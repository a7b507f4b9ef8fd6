from django.db import migrations


def referral_shares_name_the_assignee(apps, schema_editor):
    """An accepted referral's open share opened the case to every caseworker of the receiver; it now
    names the assignee: the caseworkers' group loses its rows, the assignee gets rows of their own."""
    db = schema_editor.connection.alias
    Referral = apps.get_model("referrals", "Referral")
    OrgRoleGroup = apps.get_model("orgs", "OrgRoleGroup")
    GroupGrant = apps.get_model("sharing", "CaseGroupObjectPermission")
    UserGrant = apps.get_model("sharing", "CaseUserObjectPermission")
    referrals = Referral.objects.using(db).filter(
        share__isnull=False, share__ended_at__isnull=True, share__to_user__isnull=True, assigned_to__isnull=False
    )
    for referral in referrals.select_related("share"):
        share = referral.share
        share.to_user_id = referral.assigned_to_id
        share.save(update_fields=["to_user"])
        caseworkers = OrgRoleGroup.objects.using(db).filter(
            organization_id=share.to_organization_id, role="caseworker"
        ).values_list("group_id", flat=True)
        rows = GroupGrant.objects.using(db).filter(share=share)
        kept = {(row.permission_id, row.expires_at) for row in rows}
        rows.filter(group_id__in=list(caseworkers)).delete()
        UserGrant.objects.using(db).bulk_create(
            [
                UserGrant(
                    content_object_id=share.case_id,
                    user_id=share.to_user_id,
                    permission_id=permission_id,
                    share=share,
                    expires_at=expires_at,
                )
                for permission_id, expires_at in kept
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_service_staff_genders"),
        ("sharing", "0003_consent_ends_shares"),
        ("orgs", "0005_safety_capability"),
    ]

    operations = [migrations.RunPython(referral_shares_name_the_assignee, migrations.RunPython.noop)]
