"""`make bench`: figures, printed side by side; never a pass/fail test.

1. Upload memory: a real gunicorn web process (production settings, one sync
   worker) receives a 50 MB PDF upload; we read the worker's resident memory
   before and its peak (VmHWM) after. Target: under 100 MB above idle.
2. Processing: the job that reads a 300-page masterplan (text per page,
   pre-screen, page rows written), against extraction alone.

Runs on its own SQLite database and media folder in a temporary directory; uses
Redis (REDIS_URL, database 13) for the queue when set, so the web process only
enqueues the job, as in production.
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
MB = 1024 * 1024
REDIS_URL = os.environ.get("REDIS_URL", "")


def environment(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "FILE_UPLOAD_TEMP_DIR": str(workdir),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "smartcity.settings",
    }
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL.rstrip("/") + "/13"
        env["REDIS_BROKER_DB"] = "13"
        env["REDIS_CACHE_DB"] = "13"
    return env


SETUP = """
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from accounts.models import Role
from accounts.services import create_user
from assessments.services import create_cycle
from assessments.models import FrameworkVersion
from regions.models import Region
from submissions.services import workspace_for

user = create_user(username="bench-official", password="bench-pass-1",
                   role=Role.OFFICIAL, region=Region.objects.get(code="36.74"))
now = timezone.now()
cycle = create_cycle(year=2017, name="Bench", framework=FrameworkVersion.objects.get(),
    submissions_open=now - timedelta(days=1), submissions_close=now + timedelta(days=9),
    reviews_close=now + timedelta(days=10), appeals_close=now + timedelta(days=11),
    region_codes=["36.74"])
submission = workspace_for(user, cycle)
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(submission.pk, session.session_key)
"""


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def worker_pid(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def request(port: int, method: str, path: str, cookies: str, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest(method, path, skip_host=True)
    connection.putheader("Cookie", cookies)
    connection.putheader("Host", "127.0.0.1")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is None:
        connection.endheaders()
    else:
        connection.endheaders()
        for chunk in body:
            connection.send(chunk)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def multipart(path: Path, boundary: str):
    """The upload body, yielded in 1 MB chunks (the client holds no whole file)."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
        f"\r\n\r\n{{token}}\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="doc_type"\r\n\r\nmasterplan\r\n'
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head.encode()) - len("{token}") + len(tail) + path.stat().st_size

    def chunks(token: str):
        yield head.replace("{token}", token).encode()
        with path.open("rb") as file:
            while chunk := file.read(MB):
                yield chunk
        yield tail

    return size + 32, chunks


def upload_memory(workdir: Path) -> dict[str, float]:
    from tests.submissions.samples import large_pdf

    env = environment(workdir)
    for command in (
        ("collectstatic", "--noinput"),
        ("migrate", "--noinput"),
        ("load_regions",),
        ("load_framework",),
    ):
        manage(env, *command)
    output = manage(env, "shell", "--no-imports", "-c", SETUP)
    submission_pk, session_key = output.splitlines()[-1].split()
    pdf = large_pdf(workdir / "masterplan-50mb.pdf", 50 * MB - 64 * 1024)
    port = 18000 + secrets.randbelow(1000)
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "smartcity.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "gunicorn.log").open("w"),
    )
    try:
        worker = worker_pid(server.pid)
        token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        cookies = f"sessionid={session_key}; csrftoken={token}"
        for _ in range(100):
            try:
                warm = request(port, "GET", f"/workspace/{submission_pk}/", cookies)
                break
            except OSError:
                time.sleep(0.2)
        if warm != 200:
            log = (workdir / "gunicorn.log").read_text()[-3000:]
            raise SystemExit(f"the workspace answered {warm}, expected 200\n{log}")
        idle = status_kb(worker, "VmRSS")
        boundary = "bench" + secrets.token_hex(8)
        length, chunks = multipart(pdf, boundary)
        started = time.perf_counter()
        status = request(
            port,
            "POST",
            f"/workspace/{submission_pk}/documents/new/",
            cookies,
            body=chunks(token),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
                "X-CSRFToken": token,
            },
        )
        seconds = time.perf_counter() - started
        peak = status_kb(worker, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if status != 302:
        raise SystemExit(f"the upload answered {status}, expected a redirect (302)")
    return {
        "file_mb": pdf.stat().st_size / MB,
        "idle_mb": idle / 1024,
        "peak_mb": peak / 1024,
        "seconds": seconds,
    }


def processing(workdir: Path) -> dict[str, float]:
    """In this process, on the same throwaway database as the upload run."""
    os.environ.update(environment(workdir))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile

    from submissions import extraction, services
    from submissions.demo_documents import masterplan_pdf
    from submissions.models import DocumentType, StoredFile, Submission

    data = masterplan_pdf("Kota Tangerang Selatan", 2017, pages_per_chapter=20)
    path = workdir / "masterplan-300.pdf"
    path.write_bytes(data)
    started = time.perf_counter()
    pages = extraction.extract_pages(path, "pdf")
    extract_seconds = time.perf_counter() - started

    version = services.upload_document(
        submission=Submission.objects.get(),
        user=User.objects.get(username="bench-official"),
        uploaded=ContentFile(data, name="masterplan-300.pdf"),
        doc_type=DocumentType.MASTERPLAN,
    )
    # Without Redis the job already ran eagerly at upload: run it again, timed.
    StoredFile.objects.filter(pk=version.file_id).update(status="queued")
    started = time.perf_counter()
    stored = services.process_stored_file(version.file_id)
    job_seconds = time.perf_counter() - started
    return {
        "pages": len(pages),
        "file_mb": len(data) / MB,
        "extract_seconds": extract_seconds,
        "job_seconds": job_seconds,
        "status": stored.status,
        "found": sum(1 for pages in stored.prescreen.values() if pages),
        "parts": len(stored.prescreen),
    }


def forget_queued_jobs(workdir: Path) -> None:
    """The bench's queue (Redis database 13) has no worker: empty it."""
    url = environment(workdir).get("REDIS_URL")
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def main() -> None:
    if not REDIS_URL:
        print("REDIS_URL is not set: jobs run inside the web process, so the upload")
        print("figure below includes reading the file, not only receiving it.")
    with tempfile.TemporaryDirectory(prefix="smartcity-bench-") as directory:
        workdir = Path(directory)
        try:
            upload = upload_memory(workdir)
            job = processing(workdir)
        finally:
            forget_queued_jobs(workdir)
    above = upload["peak_mb"] - upload["idle_mb"]
    print("\n== Upload of a 50 MB PDF to one gunicorn worker (production settings)")
    print(f"{'file':<28}{upload['file_mb']:>10.1f} MB")
    print(f"{'worker idle (RSS)':<28}{upload['idle_mb']:>10.1f} MB")
    print(f"{'worker peak (VmHWM)':<28}{upload['peak_mb']:>10.1f} MB")
    print(
        f"{'peak above idle':<28}{above:>10.1f} MB   "
        f"target < 100 MB   ratio to file size {above / upload['file_mb']:.2f}"
    )
    print(f"{'upload + checks, loopback':<28}{upload['seconds']:>10.2f} s")
    print("\n== Reading a 300-page masterplan")
    print(f"{'pages / file size':<28}{job['pages']:>10} / {job['file_mb']:.1f} MB")
    print(
        f"{'text extraction alone':<28}{job['extract_seconds']:>10.2f} s   "
        f"{job['pages'] / job['extract_seconds']:.0f} pages/s"
    )
    print(
        f"{'whole job (+pre-screen, DB)':<28}{job['job_seconds']:>10.2f} s   "
        f"{job['pages'] / job['job_seconds']:.0f} pages/s   "
        f"ratio to extraction {job['job_seconds'] / job['extract_seconds']:.2f}"
    )
    print(
        f"{'job result':<28}{job['status']:>10}   "
        f"pre-screen found {job['found']} of {job['parts']} parts"
    )


if __name__ == "__main__":
    main()
