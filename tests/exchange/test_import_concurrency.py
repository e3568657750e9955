"""The same roster uploaded three times and confirmed at the same moment, each request in a
thread of its own with its own database connection: the members are created once, and every
confirmation answers with a page and a message, never a 500."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from jifen.exchange import services
from jifen.exchange.enums import UploadKind
from jifen.orgs.models import Member
from tests.exchange.helpers import ROSTER_HEADER, roster_row, xlsx
from tests.factories import valid_id_number

ROWS = 3000


@pytest.mark.django_db(transaction=True)
def test_three_confirmations_of_one_roster_at_once_create_it_once(world):
    content = xlsx(
        ROSTER_HEADER,
        [roster_row(f"并发{n:04d}", valid_id_number(10000 + n)) for n in range(ROWS)],
    )
    uploads = [
        services.upload_create(
            actor=world.admin, kind=UploadKind.ROSTER, filename="名册.xlsx", content=content
        )
        for _ in range(3)
    ]
    clients = [Client() for _ in uploads]
    for client in clients:
        client.force_login(world.admin)
    start = threading.Barrier(len(uploads))
    pages: dict[int, object] = {}

    def confirm(index: int) -> None:
        url = reverse("exchange:upload_preview", args=[uploads[index].pk])
        try:
            start.wait()
            pages[index] = clients[index].post(url, {}, follow=True)
        except Exception as error:  # a 500 raises in the test client
            pages[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(uploads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(getattr(page, "status_code", page) == 200 for page in pages.values()), pages
    texts = sorted(page.content.decode() for page in pages.values())
    assert sum(f"新增 {ROWS} 条" in text for text in texts) == 1
    assert sum(f"无变化 {ROWS} 条" in text for text in texts) == 2
    assert Member.objects.filter(name__startswith="并发").count() == ROWS
