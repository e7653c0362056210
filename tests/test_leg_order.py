"""Quick ordering of a visit's legs: one save may swap or shift the legs' numbers without
breaking the unique (visit, order) constraint; the up/down buttons are served with the form.
(The buttons themselves are driven in Chromium in tests/test_editor_browser.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from registry.admin.legs import free_numbers
from registry.models import Visit
from tests import factories as f
from tests.test_admin import all_row_errors, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit() -> Visit:
    visit = f.create_visit(start="2024-03-17", end="2024-03-20")
    for order, city in enumerate(("Baku", "Tbilisi", "Yerevan"), 1):
        f.create_leg(visit=visit, order=order, city=city)
    return visit


def cities(visit: Visit) -> list[str]:
    return [leg.city for leg in visit.legs.order_by("order")]


def post(client: Any, visit: Visit, changes: dict[str, str]) -> Any:
    target = reverse("admin:registry_visit_change", args=[visit.pk])
    data = form_data(client.get(target)) | changes
    return client.post(target, data)


def test_swapping_two_legs_in_one_save(admin_client: Any, visit: Visit) -> None:
    response = post(admin_client, visit, {"legs-0-order": "2", "legs-1-order": "1"})
    assert response.status_code == 302, all_row_errors(response, "legs")
    assert cities(visit) == ["Tbilisi", "Baku", "Yerevan"]
    # The history holds the final numbers, not the temporary ones.
    orders = set(visit.legs.model.history.values_list("order", flat=True))
    assert orders == {1, 2, 3}


def test_deleting_a_leg_and_moving_the_next_into_its_place(admin_client: Any, visit: Visit) -> None:
    response = post(admin_client, visit, {"legs-1-DELETE": "on", "legs-2-order": "2"})
    assert response.status_code == 302, all_row_errors(response, "legs")
    assert [(leg.order, leg.city) for leg in visit.legs.order_by("order")] == [
        (1, "Baku"),
        (2, "Yerevan"),
    ]


def test_rotating_all_legs_and_adding_one(admin_client: Any, visit: Visit) -> None:
    country = f.create_country()
    changes = {
        "legs-0-order": "3",
        "legs-1-order": "1",
        "legs-2-order": "2",
        "legs-TOTAL_FORMS": "4",
        "legs-3-order": "4",
        "legs-3-country": str(country.pk),
        "legs-3-city": "Ganja",
    }
    response = post(admin_client, visit, changes)
    assert response.status_code == 302, all_row_errors(response, "legs")
    assert cities(visit) == ["Tbilisi", "Yerevan", "Baku", "Ganja"]


def test_two_legs_with_one_number_are_still_an_error(admin_client: Any, visit: Visit) -> None:
    response = post(admin_client, visit, {"legs-0-order": "2"})
    assert "duplicate data for order" in all_row_errors(response, "legs")
    assert cities(visit) == ["Baku", "Tbilisi", "Yerevan"]


def test_the_change_form_loads_the_ordering_buttons(admin_client: Any, visit: Visit) -> None:
    page = admin_client.get(reverse("admin:registry_visit_change", args=[visit.pk])).text
    assert "/static/js/admin-leg-order." in page
    assert "/static/css/admin-leg-order." in page


def test_free_numbers_avoid_taken_ones() -> None:
    assert free_numbers({32767, 32765}, 3) == [32766, 32764, 32763]
