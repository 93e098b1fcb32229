"""A minimal IMAP4rev1 server for tests: just what `poll_imap` uses (LOGIN, SELECT, UID SEARCH,
UID FETCH with INTERNALDATE and BODY.PEEK[]/RFC822, UID STORE +FLAGS, LOGOUT), on a free port.

    with LocalImap([(raw_bytes, "01-Mar-2026 09:00:00 +0000"), ...]) as server:
        settings.PUTRIGHT_IMAP = {..., "host": "127.0.0.1", "port": server.port, "ssl": False}
"""

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    internal_date: str
    flags: set[str] = field(default_factory=set)


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def send(self, line: str | bytes) -> None:
        self.wfile.write(line if isinstance(line, bytes) else line.encode())

    def handle(self) -> None:
        box = self.server.box
        self.send("* OK [CAPABILITY IMAP4rev1] test server ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            self.server.log.append(f"{command} {args}".strip())
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
            elif command == "LOGIN":
                user, password = [a.strip('"') for a in args.split(" ", 1)]
                if (user, password) == (self.server.user, self.server.password):
                    self.send(f"{tag} OK logged in\r\n")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong password\r\n")
            elif command == "SELECT":
                self.send(
                    f"* {len(box.messages)} EXISTS\r\n* OK [UIDVALIDITY {box.validity}] ok\r\n"
                    f"{tag} OK [READ-WRITE] selected\r\n"
                )
            elif command == "UID":
                self.uid(tag, args)
            elif command == "LOGOUT":
                self.send(f"* BYE bye\r\n{tag} OK logged out\r\n")
                return
            elif command == "NOOP":
                self.send(f"{tag} OK\r\n")
            else:
                self.send(f"{tag} BAD unknown command\r\n")

    def uid(self, tag: str, args: str) -> None:
        box = self.server.box
        sub, _, rest = args.partition(" ")
        sub = sub.upper()
        if sub == "SEARCH":
            unseen = "UNSEEN" in rest.upper()
            uids = [str(m.uid) for m in box.messages if not (unseen and "\\Seen" in m.flags)]
            self.send(f"* SEARCH {' '.join(uids)}\r\n{tag} OK search done\r\n")
        elif sub == "FETCH":
            uid_text, _, items = rest.partition(" ")
            for seq, message in enumerate(box.messages, start=1):
                if str(message.uid) != uid_text:
                    continue
                if "RFC822" in items.upper() and "PEEK" not in items.upper():
                    message.flags.add("\\Seen")
                self.send(
                    f'* {seq} FETCH (UID {message.uid} INTERNALDATE "{message.internal_date}" '
                    f"BODY[] {{{len(message.raw)}}}\r\n".encode()
                    + message.raw
                    + b")\r\n"
                )
            self.send(f"{tag} OK fetch done\r\n")
        elif sub == "STORE":
            uid_text, _, what = rest.partition(" ")
            for seq, message in enumerate(box.messages, start=1):
                if str(message.uid) == uid_text and what.upper().startswith("+FLAGS"):
                    message.flags.update(re.findall(r"\\\w+", what))
                    self.send(
                        f"* {seq} FETCH (UID {message.uid} FLAGS ({' '.join(message.flags)}))\r\n"
                    )
            self.send(f"{tag} OK store done\r\n")
        else:
            self.send(f"{tag} BAD unknown UID command\r\n")


@dataclass
class Mailbox:
    messages: list[StoredMessage]
    validity: int = 1


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    box: Mailbox
    user: str
    password: str
    log: list[str]


class LocalImap:
    """An IMAP server on 127.0.0.1 and a free port, for the length of a `with` block."""

    def __init__(self, messages: list[tuple[bytes, str]], *, user="complaints", password="pw"):  # noqa: S107 (a test server)
        self.box = Mailbox(
            messages=[
                StoredMessage(uid=100 + n, raw=raw, internal_date=date)
                for n, (raw, date) in enumerate(messages)
            ]
        )
        self.user, self.password = user, password

    def __enter__(self) -> "LocalImap":
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.box, self.server.user, self.server.password = self.box, self.user, self.password
        self.server.log = []
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def log(self) -> list[str]:
        return self.server.log

    def seen(self) -> list[int]:
        return [m.uid for m in self.box.messages if "\\Seen" in m.flags]
