"""The assessors' page: an ASGI app (Starlette), server-rendered HTML (Jinja2, autoescaped).

Upload the month's export, run the engine on it in a child process, read the summary, the
totals by person and unit, the tickets (filtered and paged from the job's SQLite index, never
the whole document in the page) and the rejected rows, open a ticket, download the files
``policy evaluate`` writes. The page adds no rule: :mod:`.engine` calls the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import math
import secrets
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
import orjson
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from policy.core.labels import LANGS, Labels

from . import engine, i18n
from .jobs import Job, Jobs, Upload

HERE = Path(__file__).parent
SESSION_COOKIE = "policy_session"
TOKEN_COOKIE = "policy_token"
LANG_COOKIE = "policy_lang"
PAGE_SIZE = 50
CHUNK = 1 << 20
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8", "json": "application/json"}


class Guard(BaseHTTPMiddleware):
    """Every request: the token (when the server has one), the session cookie, the language."""

    async def dispatch(self, request: Request, call_next):
        settings = request.app.state.settings
        token = settings["token"]
        set_token = False
        if token is not None:
            given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            header = request.headers.get("authorization", "")
            if header.lower().startswith("bearer "):
                given = header[7:]
            if not hmac.compare_digest(given.encode(), token.encode()):
                return PlainTextResponse("401: this page needs its access token (open the address with ?token=…)\n"
                                         "需要访问令牌：请用带 ?token=… 的地址打开。", status_code=401)
            set_token = request.cookies.get(TOKEN_COOKIE) != token
        session = request.cookies.get(SESSION_COOKIE)
        new_session = not session or len(session) < 20
        if new_session:
            session = secrets.token_urlsafe(24)
        request.state.session = session
        lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
        request.state.lang = lang if lang in LANGS else "zh"
        response = await call_next(request)
        cookie = {"httponly": True, "samesite": "strict", "path": "/"}
        if new_session:
            response.set_cookie(SESSION_COOKIE, session, **cookie)
        if set_token:
            response.set_cookie(TOKEN_COOKIE, token, **cookie)
        if "lang" in request.query_params:
            response.set_cookie(LANG_COOKIE, request.state.lang, **cookie)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response


def csrf_token(request: Request) -> str:
    """The form field that proves a POST comes from this page: an HMAC of the session cookie."""
    secret = request.app.state.settings["secret"]
    return hmac.new(secret, request.state.session.encode(), hashlib.sha256).hexdigest()


def csrf_ok(request: Request, form) -> bool:
    return hmac.compare_digest(str(form.get("csrf", "")), csrf_token(request))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    lang = request.state.lang
    context |= {
        "lang": lang,
        "t": lambda key, **kw: i18n.text(key, lang).format(**kw),
        "label": _labeller(request.app.state.settings["labels"][lang]),
        "amount": request.app.state.settings["labels"][lang].amount,  # 200–500 元, 记大过至开除
        "csrf": csrf_token(request),
        "other_lang": "en" if lang == "zh" else "zh",
        "figure": figure,
    }
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def _labeller(labels: Labels):
    """``label(vocabulary, code, rule, industry)`` for the templates: the writers' label of a code (超期 for
    ``breached``; the code itself in English), looked up first in the labels of the plugin whose
    rule it is."""

    def label(vocabulary: str, code: Any, rule: str | None = None, industry: str | None = None) -> Any:
        return labels(vocabulary, code, industry or labels.rule_industry.get(rule or ""))

    return label


def figure(value: Any) -> str:
    """A config figure as the config writes it: 1.5, 2, [1, 2]."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(figure, value)) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def index(request: Request, message: str | None = None, status_code: int = 200) -> Response:
    s = request.app.state.settings
    return render(request, "index.html", status_code, regulations=s["regulations"], max_mb=s["max_upload_mb"],
                  keep_minutes=s["keep_minutes"], jobs=request.app.state.jobs.of_session(request.state.session), message=message,
                  accept=",".join(s["suffixes"]))


async def home(request: Request) -> Response:
    return index(request)


async def create_job(request: Request) -> Response:
    s = request.app.state.settings
    limit = s["max_upload_mb"] * 2**20
    length = request.headers.get("content-length")
    if length is None:
        return PlainTextResponse("411: the upload must say its length", status_code=411)
    if not length.isdigit() or int(length) > limit:
        note = i18n.text("limit_note", request.state.lang).format(mb=s["max_upload_mb"], minutes=s["keep_minutes"])
        return index(request, note, 413)
    async with request.form(max_files=100, max_fields=20, max_part_size=limit) as form:
        if not csrf_ok(request, form):
            return PlainTextResponse("403: the form is stale or not from this page (CSRF check); reload the page",
                                     status_code=403)
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        roster_file = form.get("roster")
        if not isinstance(roster_file, UploadFile) or not roster_file.filename:
            roster_file = None
        as_of = str(form.get("as_of") or "").strip() or None
        period = str(form.get("period") or "").strip() or None
        if not uploads:
            return index(request, "请选择至少一个工单文件 / choose at least one ticket file", 400)
        for f in [*uploads, *([roster_file] if roster_file else [])]:
            if _suffix(f.filename) not in s["suffixes"]:
                return index(request, f"{f.filename}: 只能上传 / expected {', '.join(s['suffixes'])}", 400)
        jobs: Jobs = request.app.state.jobs
        job_id, folder = jobs.new_folder()
        stored = []
        for i, f in enumerate(uploads, 1):
            stored.append(await _store(f, folder, f"upload-{i}{_suffix(f.filename)}"))
        roster = await _store(roster_file, folder, f"roster{_suffix(roster_file.filename)}") if roster_file else None
    job = Job(id=job_id, session=request.state.session, folder=folder, uploads=stored, roster=roster,
              as_of=as_of, period=period)
    jobs.start(job)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def _suffix(name: str) -> str:
    """The type of an uploaded file, from its name's ending only; the name is never a path here."""
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


async def _store(upload: UploadFile, folder: Path, name: str) -> Upload:
    size = 0
    with open(folder / name, "xb") as out:
        while chunk := await upload.read(CHUNK):
            out.write(chunk)
            size += len(chunk)
    return Upload(stored=name, original=upload.filename or name, size=size)


def _job(request: Request) -> Job | None:
    return request.app.state.jobs.get(request.path_params["job"], request.state.session)


def _missing(request: Request) -> Response:
    return PlainTextResponse("404: no such evaluation (it may have been deleted after download or after an hour)",
                             status_code=404)


def _db(job: Job) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{job.folder / engine.INDEX}?mode=ro", uri=True)


def _page(request: Request, key: str) -> int:
    value = request.query_params.get(key, "1")
    return max(int(value), 1) if value.isdigit() else 1


def _pages(n: int) -> int:
    return max(math.ceil(n / PAGE_SIZE), 1)


FILTERS = ("status", "rule", "unit", "person")


def job_page(request: Request) -> Response:
    job = _job(request)
    if job is None:
        return _missing(request)
    request.app.state.jobs.dispatch()
    status = job.status()
    if status["state"] != "done":
        return render(request, "job.html", job=job, status=status, queued=request.app.state.jobs.queued(job))
    filters = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    page, ppage, epage = _page(request, "page"), _page(request, "ppage"), _page(request, "epage")
    with contextlib.closing(_db(job)) as db:
        n, seqs = _filtered(job, db, filters, page, status["evaluated"])
        docs = dict(db.execute(f"SELECT seq, doc FROM tickets WHERE seq IN ({','.join('?' * len(seqs))})", seqs))
        tickets = [{"seq": seq, **orjson.loads(docs[seq])} for seq in seqs]
        choices = {kind: [v for (v,) in db.execute("SELECT value FROM facet_values WHERE kind = ? ORDER BY value", (kind,))]
                   for kind in FILTERS}
        totals = _totals(db, request.state.lang, ppage)
        run = orjson.loads(db.execute("SELECT doc FROM run").fetchone()[0])
        n_errors = db.execute("SELECT count(*) FROM errors").fetchone()[0]
        errors = db.execute("SELECT source, row, id, field, message FROM errors ORDER BY seq LIMIT ? OFFSET ?",
                            (PAGE_SIZE, (epage - 1) * PAGE_SIZE)).fetchall()
        period = [orjson.loads(d) for (d,) in db.execute("SELECT doc FROM period ORDER BY seq LIMIT 500")]
        n_period = db.execute("SELECT count(*) FROM period").fetchone()[0]

    def link(**change: Any) -> str:
        query = {k: v for k, v in {**filters, "page": page, "ppage": ppage, "epage": epage, **change}.items()
                 if v not in ("", 1, None)}
        return f"/jobs/{job.id}" + ("?" + urlencode(query) if query else "")

    return render(request, "job.html", job=job, status=status, filters=filters, choices=choices, tickets=tickets,
                  n=n, page=page, pages=_pages(n), totals=totals, ppage=ppage,
                  ppages=_pages(totals["n"]), run=run, errors=errors, n_errors=n_errors, epage=epage, epages=_pages(n_errors),
                  period=period, n_period=n_period, link=link)


def _totals(db: sqlite3.Connection, lang: str, page: int) -> dict[str, Any]:
    """A page of the 考核汇总 as the workbook writes it (web.engine.Index), in the page's language:
    the columns some row fills, and each row with the ticket filter that finds its party's tickets."""
    headers, shown = db.execute("SELECT headers, shown FROM totals_headers WHERE lang = ?", (lang,)).fetchone()
    shown = orjson.loads(shown)
    headers = orjson.loads(headers)
    n = db.execute("SELECT count(*) FROM totals WHERE lang = ?", (lang,)).fetchone()[0]
    rows = []
    for party_filter, cells in db.execute("SELECT party_filter, cells FROM totals WHERE lang = ? ORDER BY seq "
                                          "LIMIT ? OFFSET ?", (lang, PAGE_SIZE, (page - 1) * PAGE_SIZE)):
        cells = orjson.loads(cells)
        rows.append({"filter": party_filter, "party": cells[0], "cells": [cells[i] for i in shown]})
    return {"headers": [headers[i] for i in shown], "rows": rows, "n": n}


def _filtered(job: Job, db: sqlite3.Connection, filters: dict[str, str], page: int, total: int) -> tuple[int, list[int]]:
    """How many tickets pass the filters, and the seq of those on the page, in input order.

    Unfiltered, seq runs 1 to N: a page is a range. Filtered, the first filter's facets (read in
    seq order from the index) are joined to each other filter's by seq; the count of a filter
    is kept with the job, so that turning pages does not count again."""
    # the narrowest facet drives the join: a person has fewer tickets than a unit, a rule, a status
    chosen = [(kind, filters[kind]) for kind in ("person", "unit", "rule", "status") if filters.get(kind)]
    if filters.get("rule") and filters.get("status"):  # a status and a rule: that rule's deadline has it
        chosen = [c for c in chosen if c[0] not in ("rule", "status")] + [("rule_status", f"{filters['rule']} {filters['status']}")]
    start = (page - 1) * PAGE_SIZE
    if not chosen:
        return total, list(range(start + 1, min(start + PAGE_SIZE, total) + 1))
    joins, args = [], []
    for i, (kind, value) in enumerate(chosen[1:], 1):
        joins.append(f"JOIN facets f{i} ON f{i}.kind = ? AND f{i}.value = ? AND f{i}.seq = f0.seq")
        args += [kind, value]
    query = f"SELECT f0.seq FROM facets f0 {' '.join(joins)} WHERE f0.kind = ? AND f0.value = ?"
    args += list(chosen[0])
    key = tuple(chosen)
    if key not in job.counts:
        job.counts[key] = db.execute(f"SELECT count(*) FROM ({query})", args).fetchone()[0]
    seqs = [seq for (seq,) in db.execute(f"{query} ORDER BY f0.seq LIMIT ? OFFSET ?", [*args, PAGE_SIZE, start])]
    return job.counts[key], seqs


def job_status(request: Request) -> Response:
    job = _job(request)
    if job is None:
        return JSONResponse({"state": "missing"}, status_code=404)
    jobs = request.app.state.jobs
    jobs.dispatch()
    status = job.status()
    status.pop("detail", None)
    if (ahead := jobs.queued(job)) is not None:
        status["queued"] = ahead
    if "message" in status:
        status["message"] = job.display_name(status["message"])
    return JSONResponse(status)


def ticket_page(request: Request) -> Response:
    job = _job(request)
    if job is None or job.status()["state"] != "done":
        return _missing(request)
    seq = request.path_params["seq"]
    with contextlib.closing(_db(job)) as db:
        row = db.execute("SELECT doc FROM tickets WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        return _missing(request)
    result = orjson.loads(row[0])
    trace = engine.ticket_trace(job.folder, result["id"], request.state.lang)
    document = orjson.dumps(result, option=orjson.OPT_INDENT_2).decode()
    back = request.query_params.get("back", "")
    if not back.startswith(f"/jobs/{job.id}"):  # only a page of this job, never a link the client made up
        back = f"/jobs/{job.id}"
    return render(request, "ticket.html", job=job, result=result, trace=trace, document=document, back=back)


def download(request: Request) -> Response:
    job = _job(request)
    fmt = request.path_params["fmt"]
    if job is None or fmt not in engine.DOWNLOADS or job.status()["state"] != "done":
        return _missing(request)
    status = job.status()
    if fmt in status.get("pending", ()) or fmt in status.get("unwritten", ()):
        return PlainTextResponse(f"409: the {fmt} file is {'still being written' if fmt in status.get('pending', ()) else 'missing: writing it failed'}",
                                 status_code=409)
    request.app.state.jobs.downloaded(job)
    return FileResponse(job.folder / engine.DOWNLOADS[fmt], media_type=MEDIA[fmt],
                        filename=f"policy-results.{fmt}")


async def delete_job(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    if not csrf_ok(request, form):
        return PlainTextResponse("403: the form is stale or not from this page (CSRF check); reload the page",
                                 status_code=403)
    job = _job(request)
    if job is not None:
        request.app.state.jobs.delete(job)
    return RedirectResponse("/", status_code=303)


def create_app(config_path: str | None = None, token: str | None = None, max_upload_mb: int | None = None,
               ttl_seconds: float | None = None, max_running: int | None = None) -> Starlette:
    """The page for a config; raises the config's error at once, before anything is served.

    ``token``, ``max_upload_mb`` and ``ttl_seconds`` not given (None) are the config's ``[serve]``."""
    config, plugins = engine.load_setup(config_path)
    serve = config.serve
    ttl_seconds = ttl_seconds if ttl_seconds is not None else serve.keep_minutes * 60
    settings = {
        "labels": {lang: Labels(plugins.regulations, lang) for lang in LANGS},
        "token": token if token is not None else serve.token,
        "secret": secrets.token_bytes(32),
        "max_upload_mb": max_upload_mb if max_upload_mb is not None else serve.max_upload_mb,
        "keep_minutes": max(round(ttl_seconds / 60), 1),
        "regulations": engine.enabled_regulations(config, plugins),
        "suffixes": engine.input_suffixes(),
    }
    jobs = Jobs(str(config.path) if config.path else config_path, ttl_seconds, max_running)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        async def sweep() -> None:
            while True:
                await asyncio.sleep(30)
                await asyncio.to_thread(jobs.expire)

        sweeper = asyncio.create_task(sweep())
        try:
            yield
        finally:
            sweeper.cancel()
            jobs.close()

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/jobs", create_job, methods=["POST"]),
            Route("/jobs/{job}", job_page),
            Route("/jobs/{job}/status", job_status),
            Route("/jobs/{job}/tickets/{seq:int}", ticket_page),
            Route("/jobs/{job}/download/{fmt}", download),
            Route("/jobs/{job}/delete", delete_job, methods=["POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[Middleware(Guard)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.jobs = jobs
    app.state.templates = Jinja2Templates(env=env)
    return app
