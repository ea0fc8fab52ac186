"""payment-service in Python: authorizes a card payment.

Same behaviour as services/payment-service.cjs (the Node fallback). Run under
`opentelemetry-instrument` (see run.sh): Flask is auto-instrumented, the exporter and resource
come from the standard OTEL_* environment, and payment.process is made here through the API.
"""

import logging
import os
import signal
import sys
import time
import uuid

from flask import Flask, jsonify, request
from opentelemetry import trace

# A card network authorizes in tens of milliseconds; the slow-payment defect stands for a gateway
# timeout-and-retry, 1200 ms, well past the specs' 500 ms budget yet short enough for tests.
AUTHORIZE_S = 0.020
SLOW_AUTHORIZE_S = 1.200
DEFECTS = ["missing-call", "wrong-service", "slow-payment", "n-plus-one", "swallowed-error"]


def fail(message):
    # Exit code 2 for bad configuration, as the Node services do.
    print("payment-service: " + message, file=sys.stderr)
    sys.exit(2)


def active_defects(text):
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name != "all" and name not in DEFECTS]
    if unknown:
        fail(
            "CHECKOUT_DEFECTS has unknown defect(s) %s: use a comma list of %s, or all"
            % (", ".join(unknown), ", ".join(DEFECTS))
        )
    return set(DEFECTS) if "all" in names else set(names)


def port_from_env(name):
    text = os.environ.get(name, "")
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        fail("%s=%s is not a port: give a number from 1 to 65535" % (name, text))
    return int(text)


class BadPayment(Exception):
    pass


defects = active_defects(os.environ.get("CHECKOUT_DEFECTS"))
tracer = trace.get_tracer("payment-service", "1.0.0")
app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/payments")
def pay():
    body = request.get_json(silent=True) or {}
    amount = body.get("amount_cents")
    attributes = {
        "payment.order_id": str(body.get("order_id", "")),
        "payment.amount": amount / 100 if isinstance(amount, (int, float)) else 0.0,
        "payment.currency": str(body.get("currency", "")),
        "payment.method": "card",
    }
    try:
        with tracer.start_as_current_span("payment.process", attributes=attributes) as span:
            valid_amount = isinstance(amount, int) and not isinstance(amount, bool) and amount > 0
            if not valid_amount or not isinstance(body.get("order_id"), str) or body.get("currency") != "USD":
                raise BadPayment('expected { order_id: string, amount_cents: positive integer, currency: "USD" }')
            time.sleep(SLOW_AUTHORIZE_S if "slow-payment" in defects else AUTHORIZE_S)
            payment_id = "pay-" + uuid.uuid4().hex[:8]
            span.set_attribute("payment.id", payment_id)
    except BadPayment as error:
        return jsonify(error=str(error)), 400
    return jsonify(payment_id=payment_id, status="authorized")


def stop(_signum, _frame):
    # Flush the spans, then leave without the interpreter's teardown: after the SDK's shutdown,
    # finalizing every module opentelemetry-instrument loaded took 2-5 s of a 2-core machine, and a
    # stopped service holds up every execute_and_capture verdict.
    provider = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):
        provider.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    port = port_from_env("PAYMENT_PORT")
    signal.signal(signal.SIGTERM, stop)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False, threaded=True)
