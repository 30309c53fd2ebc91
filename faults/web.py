"""A small HTTP client for the checks: plain http.client on loopback, cookies
kept by hand (the app marks them Secure, and this is plain HTTP), forms and
multipart uploads as a browser sends them."""

from __future__ import annotations

import html
import http.client
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# A form's errors: templates/submissions/_upload_form.html shows each one in a
# role="alert" element; Django's default rendering is a ul.errorlist.
ERRORS = re.compile(
    r'<(span|div|ul)\b[^>]*(?:role="alert"|class="errorlist)[^>]*>(.*?)</\1>',
    re.DOTALL,
)
TAG = re.compile(r"<[^>]+>")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float
    error: str = ""  # the connection failed: no status

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def form_errors(self) -> list[str]:
        found = []
        for _tag, block in ERRORS.findall(self.text):
            words = html.unescape(TAG.sub(" ", block))
            found.append(" ".join(words.split()))
        return found

    def brief(self) -> str:
        return self.error or str(self.status)


class Client:
    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=self.timeout
        )
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as error:
            return Response(
                0,
                {},
                b"",
                (time.perf_counter() - started) * 1000,
                error=f"{type(error).__name__}",
            )
        finally:
            connection.close()
        for header in answer.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(
            answer.status,
            {k.lower(): v for k, v in answer.getheaders()},
            data,
            (time.perf_counter() - started) * 1000,
        )

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Response:
        return self.request(
            "POST",
            path,
            urlencode({"csrfmiddlewaretoken": self.csrf(), **fields}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def upload(
        self, path: str, fields: dict[str, str], name: str, filename: str, data: bytes
    ) -> Response:
        boundary = f"----faults{uuid.uuid4().hex}"
        parts = []
        for key, value in {"csrfmiddlewaretoken": self.csrf(), **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def csrf(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.cookies.get("csrftoken", secrets.token_hex(16))

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/",
            {"username": username, "password": password, "next": "/"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: {answer.brief()}")
