from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from rights import services
from sharing import selectors
from sharing.access import consent_for_user
from sharing.serializers import ConsentOutput


class ConsentWithdrawApi(APIView):
    @extend_schema(request=None, responses=ConsentOutput, summary="Withdraw consent: every share resting on it ends")
    def post(self, request, case_id, consent_id):
        consent = consent_for_user(request.user, case_id, consent_id)
        services.consent_withdraw(consent=consent, by=request.user)
        return Response(ConsentOutput(selectors.case_consents(consent.case).get(pk=consent.pk)).data)
