"""Referral pages: send from a case need, coordinator queues, a referral's timeline and thread."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from referrals.referral_access import referral_for_user


@login_required
def referral_detail(request, referral_id):
    referral = referral_for_user(request.user, referral_id)
    return render(request, "referrals/referral_detail.html", {"referral": referral})
