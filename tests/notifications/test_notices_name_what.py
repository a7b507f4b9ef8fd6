"""A notice names the referral reference or the case number and what changed, and who acted as
an organization, never a person's name or any detail of the survivor."""

from django.core import mail
from django.utils import translation

from casehub.services import case_assign, task_add
from notifications.models import Notification, NotificationKind
from notifications.services import notification_email_render
from referrals.workflow import referral_act
from tests.casehub.factories import a_case
from tests.referrals.factories import a_referral, a_scene, accepted

SECRET = "Ana Secretname"  # the scene's survivor


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_the_sender_is_told_the_reference_the_new_state_and_the_provider(cast):
    scene = a_scene(cast)
    referral = accepted(scene)
    (notice,) = notices(cast.owner.caseworker, NotificationKind.REFERRAL_UPDATED)
    assert notice.title == (
        f"A referral was updated: {referral.reference}, Accepted, by {cast.partner.organization.name}"
    )
    assert SECRET not in notice.title and scene.case.case_number not in notice.title


def test_the_receiver_is_told_of_a_new_referral_by_its_reference_and_the_sending_organization(cast):
    referral = a_referral(a_scene(cast), send=True)
    (notice,) = notices(cast.partner.coordinator, NotificationKind.REFERRAL_RECEIVED)
    assert referral.reference in notice.title and cast.owner.organization.name in notice.title


def test_the_assignee_of_a_referral_is_told_its_reference(cast):
    referral = accepted(a_scene(cast))
    (notice,) = notices(cast.partner.caseworker, NotificationKind.REFERRAL_ASSIGNED)
    assert notice.title == f"A referral was assigned to you: {referral.reference}"


def test_a_caseworker_given_a_case_or_a_task_is_told_its_case_number(cast):
    case = a_case(cast.owner, legal_name=SECRET)
    case_assign(case=case, by=cast.owner.coordinator, caseworkers=[cast.owner.caseworker])
    task_add(case=case, by=cast.owner.coordinator, title=f"Call {SECRET}", assignee=cast.owner.caseworker)
    for kind in (NotificationKind.CASE_ASSIGNED, NotificationKind.TASK_ASSIGNED):
        (notice,) = notices(cast.owner.caseworker, kind)
        assert notice.title.endswith(f": {case.case_number}") and SECRET not in notice.title


def test_the_notice_is_shown_in_the_readers_language(cast):
    scene = a_scene(cast)
    referral = a_referral(scene, send=True)
    referral_act(referral=referral, by=cast.partner.coordinator, action="acknowledge")
    (notice,) = notices(cast.owner.caseworker, NotificationKind.REFERRAL_UPDATED)
    assert notice.change == "Acknowledged"
    with translation.override("es"):
        assert notice.title == f"Se actualizó una derivación: {referral.reference}, Recibida, por Partner"


def test_the_email_carries_the_reference_and_no_detail_of_the_survivor(cast):
    referral = accepted(a_scene(cast))
    (notice,) = notices(cast.owner.caseworker, NotificationKind.REFERRAL_UPDATED)
    subject, body = notification_email_render(notice)
    assert referral.reference in subject and SECRET not in subject + body
    assert mail.outbox == [] or all(SECRET not in message.body for message in mail.outbox)
