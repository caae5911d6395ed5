"""The rupture log's status choices as laid out in Chromium: each radio button sits on its label's first line.

A radio drawn above or below its words reads as belonging to the neighbouring choice; on a
phone the longer labels wrap, so the check is made at both sizes.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partnertrack.extensions import db
from partnertrack.models import Partnership, User
from partnertrack.ruptures.service import change_status, raise_concern
from tests.browser import flows
from tests.factories import seed_pair

pytestmark = pytest.mark.browser

# For each status choice: the radio's vertical centre against the centre of its label's first line.
OFFSETS_JS = """() => Array.from(document.querySelectorAll('.choice input[type=radio]')).map(radio => {
  const label = document.querySelector(`label[for="${radio.id}"]`);
  const words = document.createRange();
  words.selectNodeContents(label);
  const r = radio.getBoundingClientRect(), first = words.getClientRects()[0];
  return {id: radio.id, offset: (r.top + r.height / 2) - (first.top + first.height / 2),
          lines: Math.round(label.getBoundingClientRect().height / parseFloat(getComputedStyle(label).lineHeight)),
          leftOfLabel: r.right <= first.left};
})"""


def discussed_concern(app, pair) -> int:
    """A concern the patient raised, already marked discussed: the patient may now mark it repaired or open."""
    with app.app_context():
        partnership = db.session.get(Partnership, pair.partnership_id)
        sam = db.session.scalar(db.select(User).where(User.email == pair.patient_email))
        entry = raise_concern(partnership, "patient", sam, "The homework felt imposed on me.")
        change_status(entry, "patient", sam, "discussed")
        db.session.commit()
        entry_id = entry.id
        db.session.remove()
    return entry_id


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_each_status_radio_sits_beside_the_first_line_of_its_label(browsing, server, size):
    pair = seed_pair(server.app, server.email)
    entry_id = discussed_concern(server.app, pair)
    page = browsing.new_page(size, server.url)
    flows.log_in(page, pair.patient_email, pair.password)
    page.goto(f"/partnerships/{pair.partnership_id}/ruptures/{entry_id}")
    expect(page.get_by_role("heading", name="Change the status")).to_be_visible()
    choices = page.evaluate(OFFSETS_JS)
    browsing.shot(page, f"status-choices-{size}")
    assert len(choices) >= 2, choices
    for choice in choices:
        assert abs(choice["offset"]) <= 3, choice
        assert choice["leftOfLabel"], choice
