"""No personal data in notifications: not in the row, not in the e-mail."""

import pytest
from django.core import mail
from django.utils import translation

from notifications.models import Notification, NotificationKind
from notifications.services import notify
from tests.casehub.factories import a_case

pytestmark = pytest.mark.django_db

SENTINELS = ["Quixotica Sentinelsdottir", "Zelnorra Pryce", "La Sentinela", "+52 33 9876 5432", "G7654321"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_notification_about_a_case_carries_none_of_its_personal_data(
    cast, django_capture_on_commit_callbacks, language
):
    # given a case full of sentinel personal data
    case = a_case(
        cast.owner,
        legal_name=SENTINELS[0],
        preferred_name=SENTINELS[1],
        aliases=[SENTINELS[2]],
        phones=[SENTINELS[3]],
        identity_documents=[{"kind": "passport", "number": SENTINELS[4]}],
    )

    # when its partner is told about it, with the link to the case
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        notify([cast.partner.coordinator], NotificationKind.SHARE_RECEIVED, f"/cases/{case.uuid}/")

    # then no sentinel is in any column of the notification, nor in the e-mail
    stored = str(list(Notification.objects.values()))
    (message,) = mail.outbox
    sent = message.message().as_string()
    for sentinel in SENTINELS:
        assert sentinel not in stored
        assert sentinel not in message.subject
        assert sentinel not in message.body
        assert sentinel not in sent
    assert str(case.uuid) in message.body
