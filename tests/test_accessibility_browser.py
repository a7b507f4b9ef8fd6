"""In headless Chromium: the pages a caseworker, a receiving coordinator and an org admin use most
pass axe-core's checks at a laptop's width and at a phone's (375 px), and no page scrolls sideways
on the phone; the header folds into a menu there.

axe-core is vendored under tests/vendor (see its README) and injected into each page by the test:
it is never served to users. Skipped without /usr/bin/chromium unless CASEHUB_REQUIRE_BROWSER=1.
Set CASEHUB_SCREENSHOT_DIR to keep screenshots of the header menu and the dashboard.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from casehub.services import task_add
from orgs.services import recovery_codes_generate
from referrals.workflow import need_create
from tests.browser import screenshot, sign_in
from tests.casehub.factories import a_case
from tests.directory.factories import directory_service
from tests.factories import PASSWORD
from tests.referrals.factories import Scene, a_referral, a_referral_consent, a_scene

pytestmark = [pytest.mark.browser, pytest.mark.long]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}

# Only violations: "incomplete" results need a person to judge them (colour over images, etc.).
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def cast(committed_cast):
    return committed_cast  # committed: the live server reads it from another connection


def sign_in_as(page, base_url, user) -> None:
    # The site's Content-Security-Policy refuses inline scripts, and add_script_tag inserts axe
    # inline: let this test's page (only) ignore the policy, as Playwright's bypass_csp does.
    page.context.new_cdp_session(page).send("Page.setBypassCSP", {"enabled": True})
    # A recovery code rather than a TOTP code: a code is accepted once, and tests sign in fast.
    code = recovery_codes_generate(user=user)[0]
    sign_in(page, base_url, username=user.username, password=PASSWORD, code=code)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def report(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}" for v in violations)


def check(page, url: str, *, shot: str = "") -> None:
    """The page at `url` passes axe at both widths and does not scroll sideways on a phone
    (with `shot`, screenshots at both widths are kept when CASEHUB_SCREENSHOT_DIR is set)."""
    problems = []
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        if shot:
            screenshot(page, f"{shot}-{name}")
        if violations := axe_violations(page):
            problems.append(f"{url} at {name} width:\n{report(violations)}")
        if name == "phone" and (overflow := sideways_overflow(page)):
            problems.append(f"{url} scrolls {overflow}px sideways at 375px")
    page.set_viewport_size(DESKTOP)
    assert not problems, "\n\n".join(problems)


def test_a_caseworkers_pages_pass_axe_and_fit_a_phone(chromium_page, live_server, cast):
    page, base = chromium_page, live_server.url
    # given a case with a task; a provider only in Ciudad de México, where a referral was sent;
    # and a need in Jalisco, where nobody serves (the page says what left providers out)
    caseworker = cast.owner.caseworker
    case = a_case(cast.owner, assigned=[caseworker], legal_name="Ana Secretname", identified_region="Jalisco")
    a_referral_consent(cast, case)
    service = directory_service(cast.partner.organization, kind="legal_aid", region="Ciudad de México")
    need = need_create(case=case, by=caseworker, kind="legal_aid", region="Ciudad de México")
    referral = a_referral(Scene(cast, case, service, need), send=True)
    stranded = need_create(case=case, by=caseworker, kind="legal_aid", region="Jalisco")
    task = task_add(
        case=case, by=caseworker, title="Call the consulate", due_on=timezone.localdate() + timedelta(days=3)
    )
    case_kwargs = {"case_uuid": case.uuid}

    # when the caseworker signs in, then every page passes
    sign_in_as(page, base, caseworker)
    check(page, f"{base}/")
    page.goto(f"{base}{reverse('cases:list')}")
    page.fill("#id_q", "Secretname")
    page.click("form[role=search] button:has-text('Search')")
    page.wait_for_load_state()
    assert "search=" in page.url
    check(page, page.url, shot="case-search")
    tasks = reverse("cases:tasks", kwargs=case_kwargs)
    check(page, f"{base}{tasks}")
    check(page, f"{base}{tasks}?remove={task.uuid}", shot="task-remove")
    check(page, f"{base}{reverse('cases:task_edit', kwargs={**case_kwargs, 'task_uuid': task.uuid})}")
    check(page, f"{base}{reverse('cases:survivor', kwargs=case_kwargs)}")
    check(page, f"{base}{reverse('referrals:case_referrals', kwargs=case_kwargs)}")
    check(page, f"{base}{reverse('sharing:case', kwargs=case_kwargs)}")
    send = f"{base}{reverse('referrals:referral_new', kwargs={'need_id': stranded.uuid})}"
    page.goto(send)
    assert "What left providers out" in page.content()
    check(page, send, shot="send")
    check(page, f"{base}{reverse('referrals:outgoing')}")
    check(page, f"{base}{reverse('referrals:referral_detail', kwargs={'referral_id': referral.uuid})}")
    check(page, f"{base}{reverse('directory:match')}")
    check(page, f"{base}{reverse('notifications:inbox')}")


def test_a_receiving_coordinators_pages_pass_axe_and_fit_a_phone(chromium_page, live_server, cast):
    page, base = chromium_page, live_server.url
    # given a referral waiting on the provider's answer
    scene = a_scene(cast, urgency="emergency")
    referral = a_referral(scene, send=True)

    # when its coordinator signs in, then the dashboard lists it and every page passes
    sign_in_as(page, base, scene.provider.coordinator)
    assert referral.reference in page.locator("main").inner_text()
    check(page, f"{base}/", shot="coordinator-dashboard")
    check(page, f"{base}{reverse('referrals:incoming')}", shot="incoming")
    check(page, f"{base}{reverse('referrals:referral_detail', kwargs={'referral_id': referral.uuid})}", shot="referral")
    check(page, f"{base}{reverse('directory:service_list')}")
    check(page, f"{base}{reverse('notifications:inbox')}")


def test_an_org_admins_pages_pass_axe_and_fit_a_phone(chromium_page, live_server, cast):
    page, base = chromium_page, live_server.url
    # given an organization with a service in the directory
    service = directory_service(cast.partner.organization, kind="legal_aid")

    # when its org admin signs in, then every page passes
    sign_in_as(page, base, cast.partner.org_admin)
    check(page, f"{base}/")
    check(page, f"{base}{reverse('orgs:settings')}", shot="settings")
    check(page, f"{base}{reverse('orgs:members')}")
    check(page, f"{base}{reverse('directory:service_list')}")
    check(page, f"{base}{reverse('directory:service_edit', kwargs={'service_id': service.pk})}", shot="service")
    check(page, f"{base}{reverse('notifications:inbox')}")


def test_on_a_phone_the_header_folds_into_a_menu_that_opens_without_javascript(chromium_page, live_server, cast):
    page, base = chromium_page, live_server.url
    sign_in_as(page, base, cast.owner.caseworker)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/")
    screenshot(page, "desktop-header")
    assert page.locator("header.site a:has-text('Cases')").is_visible()
    assert not page.locator("header.site summary").is_visible()

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/")
    assert not page.locator("header.site a:has-text('Cases')").is_visible()
    screenshot(page, "phone-menu-closed")
    page.click("header.site summary")
    assert page.locator("header.site a:has-text('Cases')").is_visible()
    assert page.locator("header.site button:has-text('Sign out')").is_visible()
    screenshot(page, "phone-menu-open")
    assert not axe_violations(page), report(axe_violations(page))
    assert sideways_overflow(page) == 0


def test_a_platform_admin_finds_master_key_rotation_in_the_header(chromium_page, live_server, cast):
    page, base = chromium_page, live_server.url
    sign_in_as(page, base, cast.admin)
    page.click("header.site a:has-text('Master-key rotation')")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("key_rotation"))
    check(page, page.url)
