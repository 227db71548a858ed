"""Jobs: one evaluation of one user's uploads, in a private folder, in a child process.

Each job has a random id (not guessable) and belongs to the browser session that made it;
its folder lives under one private directory (mode 0700) made for this server. A job is
deleted an hour (``ttl``) after it was last looked at, a few minutes after a download (time
to fetch the other formats), when its user deletes it, and at shutdown.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from attrs import define, field

from . import engine

AFTER_DOWNLOAD_SECONDS = 10 * 60


@define
class Upload:
    stored: str  # the name on disk, made by us: upload-1.xlsx
    original: str  # the name the browser sent, for display only
    size: int


@define
class Job:
    id: str
    session: str
    folder: Path
    uploads: list[Upload]
    roster: Upload | None
    as_of: str | None
    period: str | None
    created: float = field(factory=time.time)
    expires: float = 0.0
    downloaded: float | None = None
    counts: dict = field(factory=dict)  # tickets passing each filter asked for (web.app._filtered)
    process: Any = None

    def status(self) -> dict[str, Any]:
        status = engine.read_status(self.folder) or {"state": "running", "records": 0, "rejected": 0}
        if self.process is None:
            return status  # waiting for its turn
        if self.process is not None and (status["state"] == "running" or status.get("pending")) \
                and not self.process.is_alive():
            status = engine.read_status(self.folder) or {"state": "running"}  # it may have just finished
            if status["state"] == "running":  # the child died without a word (killed, out of memory)
                status = {"state": "failed", "message": f"the evaluation stopped (exit code {self.process.exitcode})"}
            elif status.get("pending"):
                status |= {"pending": [], "unwritten": status["pending"]}
        return status

    def display_name(self, text: str) -> str:
        """A source or message as the user named the files (the engine names them as stored)."""
        for u in (*self.uploads, *([self.roster] if self.roster else [])):
            text = text.replace(u.stored, u.original)
        return text


def _worker_context():
    """Children start from a clean single-threaded server process that has the engine imported
    (forkserver: never a fork of this threaded server, and no second of imports per job);
    spawn where there is no forkserver (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["policy.web.engine", "policy.cli.main", "policy.cli.outputs",
                                    "policy.cli.inputs", "policy.core.pipeline"])
    return context


class Jobs:
    def __init__(self, config_path: str | None, ttl: float, max_running: int | None = None):
        self.config_path = config_path
        self.ttl = ttl
        self.root = Path(tempfile.mkdtemp(prefix="policy-serve-"))  # mode 0700: this user only
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.context = _worker_context()
        self.waiting: list[Job] = []
        self.max_running = max_running or os.cpu_count() or 1

    def new_folder(self) -> tuple[str, Path]:
        job_id = secrets.token_urlsafe(18)
        folder = self.root / job_id
        folder.mkdir(mode=0o700)
        return job_id, folder

    def start(self, job: Job) -> None:
        """Run the job now, or once fewer than ``max_running`` jobs run (one per CPU): several
        users at once wait their turn instead of sharing the CPUs between ever more processes."""
        job.expires = time.time() + self.ttl
        with self.lock:
            self.jobs[job.id] = job
            self.waiting.append(job)
        self.dispatch()

    def dispatch(self) -> None:
        """Start waiting jobs while there is room (called on every new job and status request)."""
        with self.lock:
            running = sum(1 for j in self.jobs.values() if j.process is not None and j.process.is_alive())
            ready = []
            while self.waiting and running < self.max_running:
                ready.append(self.waiting.pop(0))
                running += 1
            for job in ready:
                job.process = self.context.Process(
                    target=engine.run_job,
                    args=(str(job.folder), self.config_path, [u.stored for u in job.uploads],
                          job.roster.stored if job.roster else None, job.as_of, job.period),
                    daemon=True,
                )
                job.process.start()

    def queued(self, job: Job) -> int | None:
        """How many jobs run or wait before this one, while it waits."""
        with self.lock:
            return self.waiting.index(job) + 1 if job in self.waiting else None

    def get(self, job_id: str, session: str) -> Job | None:
        """The job, if it exists and belongs to this session; looking at it keeps it alive."""
        with self.lock:
            job = self.jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.session, session):
            return None
        if job.downloaded is None:
            job.expires = max(job.expires, time.time() + self.ttl)
        return job

    def of_session(self, session: str) -> list[Job]:
        with self.lock:
            return sorted((j for j in self.jobs.values() if j.session == session), key=lambda j: -j.created)

    def downloaded(self, job: Job) -> None:
        """The user has the results: the job goes a few minutes later, however often it is looked at."""
        if job.downloaded is None:
            job.downloaded = time.time()
            job.expires = job.downloaded + AFTER_DOWNLOAD_SECONDS

    def delete(self, job: Job) -> None:
        with self.lock:
            self.jobs.pop(job.id, None)
            if job in self.waiting:
                self.waiting.remove(job)
        if job.process is not None and job.process.is_alive():
            job.process.kill()
            job.process.join(5)
        shutil.rmtree(job.folder, ignore_errors=True)

    def expire(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self.lock:
            old = [j for j in self.jobs.values() if j.expires <= now]
        for job in old:
            self.delete(job)
        return len(old)

    def close(self) -> None:
        with self.lock:
            jobs = list(self.jobs.values())
        for job in jobs:
            self.delete(job)
        shutil.rmtree(self.root, ignore_errors=True)
