"""“As of” on the site (registry/views/as_of.py): the home page and the country, office, post
and programme pages show the registry as it stood on a day, with the API's certain/possible
rules, against the seed."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from registry.models import Participation
from registry.seed.loader import load_seed
from tests.conftest import clear_caches

pytestmark = pytest.mark.django_db

TASHKENT = "/en/offices/nato-liaison-officer-central-asia-office/"
SPECIAL_REPRESENTATIVE = "/en/positions/special-representative-caucasus-central-asia/"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def site(seeded, db, client: Client) -> Client:
    clear_caches()
    return client


def page(client: Client, path: str, day: str) -> str:
    response = client.get(path, {"as_of": day})
    assert response.status_code == 200
    return response.content.decode()


def test_the_tashkent_office_was_open_in_2015_and_closed_in_2018(site: Client):
    assert "This office was certainly open</strong> on that day" in page(
        site, TASHKENT, "2015-01-01"
    )
    after = page(site, TASHKENT, "2018-01-01")
    assert "This office was not open</strong> on that day" in after
    assert '<time datetime="2018-01-01">1 January 2018</time>' in after


def test_robert_simmons_possibly_held_the_special_representatives_post_in_2005(site: Client):
    text = page(site, SPECIAL_REPRESENTATIVE, "2005-01-01")
    assert (
        '<a href="/en/people/robert-simmons/">Robert Simmons</a> '
        '<span class="badge badge-possible">possibly in post</span>' in text
    )


def test_the_home_page_lists_the_offices_open_that_day(site: Client):
    in_2015 = page(site, "/en/", "2015-01-01")
    assert f'<a href="{TASHKENT}">' in in_2015.split('id="as-of-heading"')[1].split("</section>")[0]
    in_2018 = page(site, "/en/", "2018-01-01")
    assert (
        f'<a href="{TASHKENT}">'
        not in in_2018.split('id="as-of-heading"')[1].split("</section>")[0]
    )


def test_a_country_page_lists_its_programmes_and_offices_that_day(site: Client):
    ipap = Participation.objects.get(country__slug="kazakhstan").programme
    text = page(site, "/en/countries/kazakhstan/", "2006-01-01")
    assert (
        f'<a href="{ipap.get_absolute_url()}">{ipap}</a> '
        '<span class="badge badge-possible">possibly taking part</span>' in text
    )
    uzbekistan = page(site, "/en/countries/uzbekistan/", "2015-01-01")
    assert "certainly open" in uzbekistan


def test_a_programme_page_lists_the_countries_taking_part_that_day(site: Client):
    ipap = Participation.objects.get(country__slug="kazakhstan").programme
    before = page(site, ipap.get_absolute_url(), "2004-12-31")
    during = page(site, ipap.get_absolute_url(), "2005-03-01")
    kazakhstan = '<a href="/en/countries/kazakhstan/">Kazakhstan</a>'
    assert kazakhstan in during.split('id="as-of-heading"')[1].split("</section>")[0]
    assert kazakhstan not in before.split('id="as-of-heading"')[1].split("</section>")[0]


def test_the_date_is_in_the_url_and_a_bad_one_is_a_400_with_a_message(site: Client):
    response = site.get(TASHKENT, {"as_of": "2015-13-01"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "“As of” needs a date written YYYY-MM-DD" in text
    assert "Traceback" not in text
    form = page(site, TASHKENT, "2015-01-01")
    assert 'name="as_of" type="date" value="2015-01-01"' in form


def test_a_page_without_a_day_shows_only_the_chooser(site: Client):
    text = site.get(TASHKENT).content.decode()
    assert "The registry on a past day" in text
    assert "This office was" not in text


@pytest.mark.parametrize(
    "path", ["/en/", TASHKENT, SPECIAL_REPRESENTATIVE, "/en/countries/georgia/"]
)
def test_a_day_costs_a_few_queries_more_whatever_the_day(
    site: Client, path: str, django_assert_max_num_queries
):
    site.get(path)
    site.get(path, {"as_of": "2001-01-01"})  # the version, once
    counts = []
    for day in ("2005-01-01", "2015-01-01"):
        with django_assert_max_num_queries(60) as queries:
            site.get(path, {"as_of": day, "n": day})
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
