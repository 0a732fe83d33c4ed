"""The webhook receiver over real HTTP: `WebhookReceiver` (what `runbot --webhook URL --listen`
runs) serves /telegram/webhook/ and feeds the bot's one Application. The right secret token gets
an update processed (the reply reaches the local Bot API server); a wrong or missing one is 403
with nothing processed; a body that is not an update is 400; a process with no bot is 503."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest
from django.core.management import CommandError, call_command

from bot import texts
from bot.app import build_application
from bot.webhook import SECRET_HEADER, WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "webhook-secret-for-the-tests_1"
CHAT = 9191
_update_ids = itertools.count(1)


def update(text: str, chat: int = CHAT) -> dict:
    """A private text message as Telegram sends it to a webhook."""
    entities = ([{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
                if text.startswith("/") else [])
    return {"update_id": next(_update_ids), "message": {
        "message_id": 1, "date": int(time.time()), "text": text, "entities": entities,
        "from": {"id": chat, "is_bot": False, "first_name": "Test"},
        "chat": {"id": chat, "type": "private", "first_name": "Test"}}}


@pytest.fixture
def receiver(bot_api, transactional_db, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]  # the Host we send
    application = build_application(token=bot_api.token, base_url=bot_api.base_url)
    running = WebhookReceiver(application, host="127.0.0.1", port=0).start()
    try:
        yield running
    finally:
        running.stop()


def post(receiver, body, *, secret: str | None = SECRET, path: str | None = None,
         **kwargs) -> httpx.Response:
    headers = {} if secret is None else {SECRET_HEADER: secret}
    url = f"http://127.0.0.1:{receiver.port}{path or receiver.path}"
    if isinstance(body, bytes):
        return httpx.post(url, content=body, headers=headers, timeout=10, **kwargs)
    return httpx.post(url, json=body, headers=headers, timeout=10, **kwargs)


def test_an_update_with_the_secret_token_is_answered(receiver, bot_api):
    assert receiver.path == "/telegram/webhook/"
    response = post(receiver, update("/start"))
    assert response.status_code == 200
    [reply] = bot_api.wait_for_messages(CHAT, 1)
    assert reply["text"] == texts.HOW_TO_LINK


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_processed(receiver, bot_api):
    assert post(receiver, update("/help"), secret="not-the-secret-at-all").status_code == 403
    assert post(receiver, update("/help"), secret=None).status_code == 403
    assert post(receiver, update("/help"), secret="").status_code == 403
    # Updates are handled in order: had a refused one been queued, it would be answered first.
    assert post(receiver, update("/start")).status_code == 200
    bot_api.wait_for_messages(CHAT, 1)
    time.sleep(0.3)
    assert [m["text"] for m in bot_api.sent_messages(CHAT)] == [texts.HOW_TO_LINK]


def test_a_body_that_is_not_an_update_is_400(receiver, bot_api):
    assert post(receiver, b"{not json").status_code == 400
    assert post(receiver, b"").status_code == 400
    assert post(receiver, [1, 2]).status_code == 400
    assert post(receiver, {"message": {}}).status_code == 400  # no update_id
    assert post(receiver, {"update_id": 5, "message": "nonsense"}).status_code == 400
    time.sleep(0.3)
    assert bot_api.sent_messages() == []


def test_only_the_webhook_is_served_on_the_bots_port(receiver):
    assert httpx.get(f"http://127.0.0.1:{receiver.port}{receiver.path}").status_code == 405
    assert post(receiver, update("/start"), path="/admin/login/").status_code == 404
    assert httpx.get(f"http://127.0.0.1:{receiver.port}/api/v1/").status_code == 404


def test_without_a_secret_set_everything_is_refused(receiver, settings, bot_api):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post(receiver, update("/start"), secret="").status_code == 403
    assert post(receiver, update("/start"), secret=SECRET).status_code == 403


def test_a_process_without_the_bot_answers_503(client, settings, db):
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    response = client.post("/telegram/webhook/", data=update("/start"),
                           content_type="application/json", headers={SECRET_HEADER: SECRET})
    assert response.status_code == 503
    response = client.post("/telegram/webhook/", data=update("/start"),
                           content_type="application/json")
    assert response.status_code == 403


def test_runbot_listen_needs_a_webhook_and_an_address(settings, bot_api):
    settings.TELEGRAM_BOT_TOKEN = bot_api.token
    settings.TELEGRAM_API_BASE_URL = bot_api.base_url
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    with pytest.raises(CommandError, match="--webhook"):
        call_command("runbot", listen="127.0.0.1:8443")
    with pytest.raises(CommandError, match="HOST:PORT"):
        call_command("runbot", webhook="https://waymark.example.gov.uk/telegram/webhook/",
                     listen="8443")
    assert bot_api.calls_to("setWebhook") == []
