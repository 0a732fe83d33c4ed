"""`python manage.py botchat --as yp1`: chat with the running bot in this terminal, with no
Telegram account, through the local Bot API server (tests/fakes/botapi.py and its control
endpoints). `make run` without a token starts that server and the bot; run this alongside.

The user gets a chat of their own (id BOTCHAT_CHAT_BASE + their user id). Unless it is linked to
them already, botchat makes a link code with the link-code service, as their adviser would (a
member of staff links themselves), and types `/start <code>`: the same path as a person linking
on a phone. Then each line typed is sent as a message; the bot's answers are printed with their
buttons numbered, and typing a number presses that button. Ctrl-D or Ctrl-C ends the chat.
"""

from __future__ import annotations

import sys
from typing import Any

import httpx
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from outcomes.access import NotVisible
from outcomes.models import Allocation, AllocationRole, Role, TelegramLink, User
from outcomes.services import telegram_link_active_for, telegram_link_code_create

BOTCHAT_CHAT_BASE = 7_000_000_000
DEFAULT_API = "http://127.0.0.1:8081"
# Waiting for the bot: its first answer may take a while, more answers come close together.
FIRST_ANSWER_SECONDS = 10.0
NEXT_ANSWER_SECONDS = 0.7


class Command(BaseCommand):
    help = "Chat with the running bot in this terminal, as a demo user, with no Telegram account."
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                            help="The user to chat as, e.g. yp1 or adviser (demo data).")
        parser.add_argument("--api", default=DEFAULT_API, metavar="URL",
                            help=f"The local Bot API server (default {DEFAULT_API}).")
        parser.add_argument("--wait", type=float, default=FIRST_ANSWER_SECONDS,
                            metavar="SECONDS", help="How long to wait for the bot's answer.")

    def handle(self, *args, username: str, api: str, wait: float, **options) -> None:
        self.api, self.wait = api.rstrip("/"), wait
        self.http = httpx.Client(timeout=wait + 5)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}. Try yp1 or adviser "
                               "(`make run` loads them).")
        self.chat = BOTCHAT_CHAT_BASE + user.pk
        self.said = self._bot_said_so_far()
        self.buttons: list[tuple[str, int]] = []
        if not self._linked(user):
            self.stdout.write(f"Linking {username} to this chat with a one-time code...")
            self._send({"text": f"/start {self._code_for(user)}"})
        else:
            self.stdout.write(f"{username} is linked to this chat. Type /help to start.")
        self.stdout.write("Type a message, or the number of a button. Ctrl-D ends the chat.")
        stdin = options.get("stdin") or sys.stdin
        try:
            while True:
                self.stdout.write("you> ", ending="")
                self.stdout.flush()
                line = stdin.readline()
                if not line:
                    break
                self._say(line.strip())
        except KeyboardInterrupt:
            pass
        finally:
            self.stdout.write("")
            self.http.close()

    # -- linking ------------------------------------------------------------------------------

    def _linked(self, user: User) -> bool:
        link = telegram_link_active_for(telegram_user_id=self.chat)
        if link is not None and link.user_id == user.pk:
            return True
        if TelegramLink.objects.filter(user=user, active=True).exists():
            raise CommandError(f"{user.username} is linked to a Telegram account already, and "
                               "linking this chat would end that link. Unlink it first, or "
                               "chat as another user.")
        return False

    def _code_for(self, user: User) -> str:
        """A link code made as the link-code service allows: by the young person's worker (or
        an administrator), or by a member of staff for themselves."""
        actor = user if user.role != Role.YOUNG_PERSON else self._linker(user)
        try:
            return telegram_link_code_create(actor=actor, user=user).code
        except (NotVisible, PermissionDenied, ValidationError) as error:
            raise CommandError(f"No link code could be made for {user.username}: "
                               f"{error}") from None

    def _linker(self, user: User) -> User:
        allocation = (Allocation.objects.current().select_related("worker")
                      .filter(young_person_id=user.young_person_id, worker__is_active=True,
                              role__in=[AllocationRole.PERSONAL_ADVISER,
                                        AllocationRole.SOCIAL_WORKER])
                      .order_by("role").first())
        if allocation is not None:
            return allocation.worker
        admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).first()
        if admin is None:
            raise CommandError(f"{user.username} has no adviser or social worker to link them, "
                               "and there is no administrator.")
        return admin

    # -- talking ------------------------------------------------------------------------------

    def _say(self, line: str) -> None:
        if not line:
            return
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            data, message_id = self.buttons[int(line) - 1]
            self._send({"callback_data": data, "message_id": message_id})
        else:
            self._send({"text": line})

    def _send(self, what: dict[str, Any]) -> None:
        answer = self._control("POST", "inject", json={"chat_id": self.chat, **what})
        if not answer.get("ok"):
            self.stderr.write(f"The Bot API server refused that: {answer.get('error')}")
            return
        self._print_answers()

    def _print_answers(self) -> None:
        """Print what the bot says next: wait for its first answer, then for any more."""
        wait, printed, buttons = self.wait, False, []
        while True:
            messages = self._control("GET", "messages", params={
                "chat_id": self.chat, "after": self.said, "wait": wait})["messages"]
            if not messages:
                break
            for message in messages:
                self.said = message["index"]
                buttons = self._print(message, buttons)
            printed, wait = True, NEXT_ANSWER_SECONDS
        if not printed:
            self.stdout.write("(no answer: is the bot running? `make run` starts it)")
            return
        self.buttons = buttons

    def _print(self, message: dict[str, Any], buttons: list[tuple[str, int]]
               ) -> list[tuple[str, int]]:
        label = "bot (edited)> " if message["edited"] else "bot> "
        text = message["text"].replace("\n", "\n" + " " * len(label))
        self.stdout.write(f"{label}{text}")
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if not rows:
            return buttons
        numbered = []
        for row in rows:
            words = []
            for button in row:
                if "callback_data" not in button:
                    continue
                buttons = [*buttons, (button["callback_data"], message["message_id"])]
                words.append(f"[{len(buttons)}] {button['text']}")
            numbered.append("  ".join(words))
        self.stdout.write("\n".join(" " * len(label) + line for line in numbered if line))
        return buttons

    def _bot_said_so_far(self) -> int:
        messages = self._control("GET", "messages", params={"chat_id": self.chat})["messages"]
        return messages[-1]["index"] if messages else 0

    def _control(self, method: str, name: str, **kwargs) -> dict[str, Any]:
        try:
            response = self.http.request(method, f"{self.api}/_fake/{name}", **kwargs)
        except httpx.HTTPError as error:
            raise CommandError(f"The local Bot API server at {self.api} does not answer "
                               f"({error}). `make run` without TELEGRAM_BOT_TOKEN starts it."
                               ) from None
        if response.status_code == 404:
            raise CommandError(f"{self.api} is not the local Bot API server (tests/fakes): "
                               "botchat cannot talk to Telegram itself.")
        return response.json()
