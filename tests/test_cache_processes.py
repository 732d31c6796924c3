"""Without Redis, the readers' cache is shared by every process of the machine: an import run
beside the site drops the site's cached pages (a cache in each process's memory would keep
them stale for an hour)."""

import pytest

from tests.factories import SEEDS, write_digest
from tests.processes import fetch, gunicorn, scratch_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_import_in_another_process_drops_the_pages_the_site_cached(template, tmp_path):
    folder = tmp_path / "database"
    folder.mkdir()
    cache = {"CACHE_DISABLED": "", "CACHE_DIR": str(tmp_path / "cache")}
    with scratch_database(template, folder) as scratch:
        env = {**scratch.env, **cache}
        scratch.manage("import_digests", str(SEEDS), env=cache)
        with gunicorn(env, tmp_path / "gunicorn.log") as site:
            before = fetch(site + "/tags/north-korea/")
            assert fetch(site + "/tags/north-korea/") == before  # served from the cache
            wire = tmp_path / "wire"
            wire.mkdir()
            write_digest(wire, "000_new.txt", "North Korea", "Talks resume in Panmunjom")
            scratch.manage("import_digests", str(wire), env=cache)
            after = fetch(site + "/tags/north-korea/")

    assert before[0] == after[0] == 200
    assert "Talks resume in Panmunjom" not in before[1]
    assert "Talks resume in Panmunjom" in after[1]


def test_the_file_cache_lists_its_folder_once_every_so_many_writes_and_stays_bounded(
    tmp_path, monkeypatch
):
    from newsroom.cache import CULL_EVERY, SharedFileCache

    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 100}})
    listings = []
    list_files = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or list_files())

    cache.set_many({f"key-{n}": n for n in range(2 * CULL_EVERY)})

    assert len(listings) == 2  # not one a write, as Django's FileBasedCache does
    assert len(list_files()) <= 100 + CULL_EVERY
    assert cache.get(f"key-{2 * CULL_EVERY - 1}") == 2 * CULL_EVERY - 1
