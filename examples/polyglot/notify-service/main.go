// notify-service: tells a member that a loan was made (POST /notify). Go's net/http, traced with
// otelhttp; the SDK, its OTLP/HTTP exporter and the resource come from the standard OTEL_*
// environment (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_BSP_SCHEDULE_DELAY, ...).
//
// There is no signal handling on purpose: a runner must wait for the batch processor's schedule
// rather than count on a flush at exit, as it has to for any service it did not write.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

var defectNames = []string{"missing-span", "wrong-tag", "n-plus-one", "wrong-parent", "crash", "no-export"}

// A mail relay takes a few milliseconds to accept a message.
const sendDelay = 5 * time.Millisecond

func fail(message string) {
	fmt.Fprintln(os.Stderr, "notify-service: "+message)
	os.Exit(2)
}

func portFromEnv(name string) int {
	text := os.Getenv(name)
	if text == "" {
		fail(name + " is not set: give the port as a number from 1 to 65535")
	}
	port, err := strconv.Atoi(text)
	if err != nil || port < 1 || port > 65535 {
		fail(fmt.Sprintf("%s=%s is not a port: give a number from 1 to 65535", name, text))
	}
	return port
}

// activeDefects reads LOANS_DEFECTS: a comma list of defect names, or all.
func activeDefects() map[string]bool {
	active := map[string]bool{}
	var unknown []string
	for _, name := range strings.Split(os.Getenv("LOANS_DEFECTS"), ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
		case name == "all":
			for _, known := range defectNames {
				active[known] = true
			}
		case slices.Contains(defectNames, name):
			active[name] = true
		default:
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		fail(fmt.Sprintf("LOANS_DEFECTS has unknown defect(s) %s: use a comma list of %s, or all",
			strings.Join(unknown, ", "), strings.Join(defectNames, ", ")))
	}
	return active
}

// startTracing installs the global TracerProvider (OTLP/HTTP exporter behind a batch processor)
// and the W3C propagators, so otelhttp continues the caller's trace.
func startTracing(ctx context.Context) error {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return fmt.Errorf("OTLP exporter: %w", err)
	}
	res, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithProcessRuntimeName(), resource.WithProcessRuntimeVersion())
	if errors.Is(err, resource.ErrPartialResource) {
		// A malformed OTEL_RESOURCE_ATTRIBUTES entry: keep what could be read, as the other SDKs do.
		fmt.Fprintln(os.Stderr, "notify-service: resource partly read: "+err.Error())
	} else if err != nil {
		return fmt.Errorf("resource: %w", err)
	}
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)))
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return nil
}

type notifyRequest struct {
	Member string `json:"member"`
	LoanID string `json:"loan_id"`
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// deliver stands in for handing the message to a mail relay.
func deliver(member, loanID string) string {
	time.Sleep(sendDelay)
	return "msg-" + loanID
}

func notifyHandler(defects map[string]bool) http.HandlerFunc {
	tracer := otel.Tracer("notify-service")
	return func(w http.ResponseWriter, r *http.Request) {
		var body notifyRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64*1024)).Decode(&body); err != nil || body.Member == "" || body.LoanID == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `expected {"member": string, "loan_id": string}`})
			return
		}
		var messageID string
		if defects["missing-span"] {
			// Defect missing-span: the message goes out, but nobody records it in the trace.
			messageID = deliver(body.Member, body.LoanID)
		} else {
			_, span := tracer.Start(r.Context(), "notify.send", trace.WithAttributes(
				attribute.String("notification.channel", "email"),
				attribute.String("loan.member", body.Member),
				attribute.String("loan.id", body.LoanID),
			))
			messageID = deliver(body.Member, body.LoanID)
			span.SetAttributes(attribute.String("notification.message_id", messageID))
			span.End()
		}
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued", "message_id": messageID})
	}
}

func main() {
	port := portFromEnv("NOTIFY_PORT")
	defects := activeDefects()
	// Defect no-export: the SDK is never set up, so the global TracerProvider stays the no-op one;
	// the service works and sends nothing.
	if !defects["no-export"] {
		if err := startTracing(context.Background()); err != nil {
			fail("cannot start tracing: " + err.Error())
		}
	}

	mux := http.NewServeMux()
	// Readiness probes are not part of any loan: /health is served outside otelhttp.
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("POST /notify", otelhttp.NewHandler(notifyHandler(defects), "POST /notify"))

	address := fmt.Sprintf("127.0.0.1:%d", port)
	server := &http.Server{Addr: address, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := server.ListenAndServe(); err != nil {
		log.SetFlags(0)
		log.Fatalf("notify-service: cannot listen on %s: %v", address, err)
	}
}
