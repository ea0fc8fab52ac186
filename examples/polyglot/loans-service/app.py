"""loans-service in Python: records a library loan (POST /loans) and answers member look-ups.

Run under `opentelemetry-instrument` (see run.sh): Flask, sqlite3 and urllib are auto-instrumented,
the exporter and resource come from the standard OTEL_* environment, and loan.create is made here
through the API. There is no signal handler on purpose: a runner must let the batch processor
export on its schedule (or stop the process with SIGINT, whose KeyboardInterrupt runs the SDK's
atexit flush) rather than count on a handler the service never wrote.
"""

import json
import logging
import os
import sqlite3
import sys
import urllib.error
import urllib.request
import uuid

from flask import Flask, jsonify, request
from opentelemetry import trace

DEFECTS = ["missing-span", "wrong-tag", "n-plus-one", "wrong-parent", "crash", "no-export"]
LOAN_DAYS = 14
# A fee quote is a local call; past this the loan fails rather than hangs.
FEES_TIMEOUT_S = 5.0

SCHEMA = """
CREATE TABLE members (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, active INTEGER NOT NULL);
CREATE TABLE books (id TEXT PRIMARY KEY, title TEXT NOT NULL, available INTEGER NOT NULL);
CREATE TABLE loans (id TEXT PRIMARY KEY, member_id INTEGER NOT NULL, books TEXT NOT NULL, days INTEGER NOT NULL, fee_cents INTEGER NOT NULL);
INSERT INTO members (id, code, name, active) VALUES
  (1, 'M-100', 'Ada Lovelace', 1), (2, 'M-101', 'Alan Turing', 1), (3, 'M-102', 'Grace Hopper', 0);
INSERT INTO books (id, title, available) VALUES
  ('B-1', 'Dune', 1), ('B-2', 'Neuromancer', 1), ('B-3', 'The Left Hand of Darkness', 1),
  ('B-4', 'Solaris', 1), ('B-5', 'Foundation', 1), ('B-6', 'Hyperion', 1), ('B-7', 'Ubik', 0);
"""


def fail(message):
    # Exit code 2 for bad configuration, as every service of the example does.
    print("loans-service: " + message, file=sys.stderr)
    sys.exit(2)


def active_defects(text):
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name != "all" and name not in DEFECTS]
    if unknown:
        fail(
            "LOANS_DEFECTS has unknown defect(s) %s: use a comma list of %s, or all"
            % (", ".join(unknown), ", ".join(DEFECTS))
        )
    return set(DEFECTS) if "all" in names else set(names)


def port_from_env(name):
    text = os.environ.get(name, "")
    if text == "":
        fail("%s is not set: give the port as a number from 1 to 65535" % name)
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        fail("%s=%s is not a port: give a number from 1 to 65535" % (name, text))
    return int(text)


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


defects = active_defects(os.environ.get("LOANS_DEFECTS"))
LOANS_PORT = port_from_env("LOANS_PORT")
FEES_PORT = port_from_env("FEES_PORT")

# One in-memory database per process, shared by the request threads' connections; the anchor
# connection keeps it alive. The schema and seed rows go through executescript, which the sqlite3
# instrumentation does not trace, so start-up leaves no stray root spans.
DB_URI = "file:loans-%d?mode=memory&cache=shared" % os.getpid()
_anchor = sqlite3.connect(DB_URI, uri=True, check_same_thread=False)
_anchor.cursor().executescript(SCHEMA)
_anchor.commit()

tracer = trace.get_tracer("loans-service", "1.0.0")
app = Flask(__name__)


def connect():
    # Made after opentelemetry-instrument patched sqlite3.connect: every cursor.execute is a span.
    return sqlite3.connect(DB_URI, uri=True)


def find_member(cursor, code):
    cursor.execute("SELECT id, code, name, active FROM members WHERE code = ?", (code,))
    row = cursor.fetchone()
    if row is None:
        raise ApiError(404, "no member %s" % code)
    return {"id": row[0], "code": row[1], "name": row[2], "active": bool(row[3])}


def find_books(cursor, book_ids):
    if "n-plus-one" in defects:
        # Defect n-plus-one: one query per book instead of one for all of them.
        rows = []
        for book_id in book_ids:
            cursor.execute("SELECT id, title, available FROM books WHERE id = ?", (book_id,))
            rows.extend(cursor.fetchall())
    else:
        placeholders = ", ".join("?" for _ in book_ids)
        cursor.execute("SELECT id, title, available FROM books WHERE id IN (%s)" % placeholders, tuple(book_ids))
        rows = cursor.fetchall()
    found = {row[0]: row for row in rows}
    missing = [book_id for book_id in book_ids if book_id not in found]
    if missing:
        raise ApiError(404, "no book(s) %s" % ", ".join(missing))
    lent = [book_id for book_id in book_ids if not found[book_id][2]]
    if lent:
        raise ApiError(409, "book(s) %s already lent" % ", ".join(lent))


def quote_fee(book_count):
    payload = json.dumps({"books": book_count}).encode("utf-8")
    quote = urllib.request.Request(
        "http://127.0.0.1:%d/fees/quote" % FEES_PORT,
        data=payload,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(quote, timeout=FEES_TIMEOUT_S) as answer:
            return int(json.loads(answer.read())["fee_cents"])
    except urllib.error.HTTPError as error:
        raise ApiError(502, "fees-service answered %d" % error.code) from error
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        raise ApiError(502, "no fee quote from fees-service on port %d: %s" % (FEES_PORT, error)) from error


@app.errorhandler(ApiError)
def api_error(error):
    return jsonify(error=str(error)), error.status


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/members/<code>")
def member(code):
    connection = connect()
    try:
        return jsonify(find_member(connection.cursor(), code))
    finally:
        connection.close()


@app.post("/loans")
def create_loan():
    body = request.get_json(silent=True) or {}
    member_code = body.get("member")
    book_ids = body.get("books")
    if not isinstance(member_code, str) or not isinstance(book_ids, list) or not book_ids:
        raise ApiError(400, 'expected {"member": string, "books": [book id, ...]}')
    if not all(isinstance(book_id, str) for book_id in book_ids) or len(book_ids) > 20:
        raise ApiError(400, "books must be 1 to 20 book ids (strings)")
    # Defect wrong-tag: the loan period is recorded as a week.
    days = 7 if "wrong-tag" in defects else LOAN_DAYS
    attributes = {"loan.member": member_code, "loan.book_count": len(book_ids), "loan.days": days}
    connection = connect()
    try:
        with tracer.start_as_current_span("loan.create", attributes=attributes) as span:
            cursor = connection.cursor()
            if "wrong-parent" in defects and isinstance(body.get("member_id"), int):
                # Defect wrong-parent: the gateway looked the member up already (GET /members/<code>),
                # so the loan trusts the id it was given instead of querying the member here.
                member_id = body["member_id"]
            else:
                found = find_member(cursor, member_code)
                if not found["active"]:
                    raise ApiError(403, "member %s is not active" % member_code)
                member_id = found["id"]
            find_books(cursor, book_ids)
            fee_cents = quote_fee(len(book_ids))
            loan_id = "L-" + uuid.uuid4().hex[:8]
            cursor.execute(
                "INSERT INTO loans (id, member_id, books, days, fee_cents) VALUES (?, ?, ?, ?, ?)",
                (loan_id, member_id, ",".join(book_ids), days, fee_cents),
            )
            connection.commit()
            span.set_attribute("loan.id", loan_id)
            span.set_attribute("loan.fee_cents", fee_cents)
    finally:
        connection.close()
    return jsonify(loan_id=loan_id, fee_cents=fee_cents), 201


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=LOANS_PORT, debug=False, use_reloader=False, threaded=True)
