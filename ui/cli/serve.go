package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/server"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// defaultServeAddr is where `secretary serve` listens unless told
// otherwise: loopback only, because serving secrets to other hosts is a
// decision the operator makes explicitly, and a fixed port, because
// applications are configured with the endpoint.
const defaultServeAddr = "127.0.0.1:7890"

func serveCommand() *command {
	return &command{name: "serve", usage: "[--addr HOST:PORT] [--tls-cert FILE --tls-key FILE | --tls-self-signed [--tls-cert-out FILE]] [--rotation-interval D] [--quiet]",
		summary: "Serve the local store over the Secrets Manager API to AWS SDKs and the AWS CLI.",
		details: `
Serves the local store over the AWS Secrets Manager JSON 1.1 protocol, so
that programs use it with any AWS SDK or the AWS CLI by setting
AWS_ENDPOINT_URL_SECRETS_MANAGER. Every request must be signed (Signature
Version 4) with an access key of the store: create one first with
` + "`secretary access-key create`" + `. Each request is audited with its access
key id as the actor, and logged on stderr as one line (operation, key,
status, exception name; never a value) unless --quiet. A request refused before it authenticates is logged
(key id claimed, reason, client address; never its signature) even with
--quiet, and audited as operation Authenticate. Credentials must
be scoped to the store's region (the one in the example command printed
at start), as AWS refuses a request signed for another region.

Listens on ` + defaultServeAddr + ` by default (port 0 picks a free one; the endpoint
is printed on stderr, with 127.0.0.1 for a host of 0.0.0.0 or ::). Listening beyond loopback without TLS prints a
warning: signatures stop tampering but not eavesdropping on values.
SIGINT or SIGTERM stops accepting connections and lets requests in flight
finish (up to 30 s) before exiting 0.

Rotates due secrets in the background as rotate-due does, every
--rotation-interval (default 1m; 0 turns it off, as does --read-only), and
logs one line per secret acted on.`,
		params: []param{
			{name: "addr", kind: kString, help: "HOST:PORT to listen on (default " + defaultServeAddr + ")"},
			{name: "tls-cert", kind: kString, help: "serve HTTPS with this PEM certificate (with --tls-key)"},
			{name: "tls-key", kind: kString, help: "PEM private key of --tls-cert"},
			{name: "tls-self-signed", kind: kBool, help: "serve HTTPS with a certificate generated at start"},
			{name: "tls-cert-out", kind: kString, help: "write the self-signed certificate here, for clients' AWS_CA_BUNDLE"},
			{name: "quiet", kind: kBool, help: "no line per request (errors and failed authentications are still logged)"},
			{name: "rotation-interval", kind: kString, help: "how often to rotate due secrets (default 1m; 0 turns it off)"},
		},
		run: runServe}
}

// serveOptions is what the serve flags chose.
type serveOptions struct {
	addr              string
	certFile, keyFile string
	selfSigned        bool
	certOut           string
	quiet             bool
}

func parseServeOptions(args *args) (serveOptions, error) {
	o := serveOptions{addr: defaultServeAddr, certFile: args.str("tls-cert"), keyFile: args.str("tls-key"),
		selfSigned: args.bools["tls-self-signed"], certOut: args.str("tls-cert-out"), quiet: args.bools["quiet"]}
	if args.has("addr") {
		o.addr = args.str("addr")
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return o, usagef("argument --addr: %q is not HOST:PORT (for example %s)", o.addr, defaultServeAddr)
	}
	switch {
	case (o.certFile == "") != (o.keyFile == ""):
		return o, usagef("--tls-cert and --tls-key go together")
	case o.certFile != "" && o.selfSigned:
		return o, usagef("--tls-self-signed cannot be combined with --tls-cert")
	case o.certOut != "" && !o.selfSigned:
		return o, usagef("--tls-cert-out writes the certificate of --tls-self-signed")
	}
	return o, nil
}

func (o serveOptions) tls() bool { return o.certFile != "" || o.selfSigned }

// everyInterface reports whether addr listens on every interface (no
// host, 0.0.0.0 or ::), which the endpoint printed cannot show: it names
// the loopback address, from which this host reaches the server.
func everyInterface(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "" || ip != nil && ip.IsUnspecified()
}

// loopbackOnly reports whether addr accepts connections from this host
// only.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func runServe(ctx context.Context, a *app, args *args) error {
	if a.cfg.Backend != "local" {
		return usagef("serve serves the local store; it has no meaning with --backend %s", a.cfg.Backend)
	}
	o, err := parseServeOptions(args)
	if err != nil {
		return err
	}
	rotationEvery, err := rotationInterval(args)
	if err != nil {
		return err
	}
	s, err := a.openLocal(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.CountAccessKeys(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return &configError{fmt.Errorf("the store %s has no access keys, so no request could be signed; create one with `secretary access-key create`", s.Path())}
	}
	if !loopbackOnly(o.addr) && !o.tls() {
		fmt.Fprintf(a.stderr, "secretary: WARNING: listening on %s without TLS: anyone on the network path can read the values served (use --tls-cert/--tls-key or --tls-self-signed)\n", o.addr)
	}

	tuneServeGC()
	level := slog.LevelInfo
	if o.quiet {
		// Failed authentications (Warn) are kept: they may be an attack.
		level = slog.LevelWarn
	}
	logOut := &logBuffer{w: a.stderr, every: logFlushEvery}
	defer logOut.Flush()
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	h, err := server.New(s, server.Options{Keys: s, Region: s.Region(), Log: logger, Policies: s,
		AuditAuthFailure: func(ctx context.Context, f server.AuthFailure) error {
			return s.AuditAuthFailure(ctx, f.KeyID, f.Code, f.Source)
		}})
	if err != nil {
		return err
	}
	cfg := server.Config{Handler: h, Addr: o.addr, CertFile: o.certFile, KeyFile: o.keyFile,
		SelfSigned: o.selfSigned, SelfSignedCertOut: o.certOut,
		Ready: func(endpoint string) { printServing(a.stderr, s, endpoint, o.certOut, everyInterface(o.addr)) }}

	// Everything that lives as long as the server runs under ctx as one
	// task: the first to fail stops the others, and SIGINT or SIGTERM
	// (which cancel ctx) stop them all.
	tasks := []func(context.Context) error{
		func(ctx context.Context) error { return server.Run(ctx, cfg) },
	}
	// Background work on the store that lives as long as the server (a
	// rotation scheduler, for one) is appended to tasks here, with s.
	if rotationEvery > 0 && !a.cfg.ReadOnly {
		tasks = append(tasks, func(ctx context.Context) error {
			return s.RunRotationScheduler(ctx, rotationEvery, func(r local.DueRotation) { logRotation(logger, r) })
		})
	}
	if !a.cfg.ReadOnly {
		// The audit log grows with every request: its retention policy is
		// applied at start and every hour.
		tasks = append(tasks, func(ctx context.Context) error {
			return s.RunAuditRetention(ctx, time.Hour, func(res local.PruneResult, err error) {
				if err != nil {
					logger.Error("audit retention", "error", escaped.Line(err.Error()).String())
					return
				}
				logger.Info("audit retention", "removed", res.Removed, "through", res.Through, "archive", escaped.Line(res.Archive).String())
			})
		})
	}
	finished, announced := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(announced)
		select {
		case <-ctx.Done():
			logOut.Flush()
			fmt.Fprintln(a.stderr, "secretary: stopping; requests in flight may finish")
		case <-finished:
		}
	}()
	err = runTasks(ctx, tasks)
	close(finished)
	<-announced
	logOut.Flush()
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stderr, "secretary: stopped")
	return nil
}

// runTasks runs every task under one context until all return. The first
// error cancels the rest and is returned; a task that returns nil early
// leaves the others running.
func runTasks(ctx context.Context, tasks []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, len(tasks))
	for i, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := task(ctx); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return nil
}

// printServing tells the operator where the store is served and how a
// program reaches it: the endpoint and a command to paste. everywhere says
// the server listens on every interface, which the endpoint (loopback,
// the address this host reaches it at) does not show.
func printServing(w io.Writer, s *local.Store, endpoint, certOut string, everywhere bool) {
	ca := ""
	if certOut != "" {
		ca = " AWS_CA_BUNDLE=" + shellQuote(certOut)
	}
	fmt.Fprintf(w, "secretary: serving %s at %s\n", escaped.Line(s.Path()).String(), endpoint)
	if everywhere {
		port := "its port"
		if u, err := url.Parse(endpoint); err == nil && u.Port() != "" {
			port = "port " + u.Port()
		}
		fmt.Fprintf(w, "secretary: listening on all interfaces: other hosts reach it at this host's name or address, %s\n", port)
	}
	// --endpoint-url works with every AWS CLI; the service-specific
	// variable only with recent ones (Debian 12's 2.9 ignores it), so it is
	// offered for the SDKs.
	fmt.Fprintf(w, "AWS SDKs find it through AWS_ENDPOINT_URL_SECRETS_MANAGER=%s%s\n", endpoint, ca)
	fmt.Fprintf(w, "Try it with the AWS CLI and an access key of this store:\n")
	fmt.Fprintf(w, "  AWS_ACCESS_KEY_ID=<access-key-id> AWS_SECRET_ACCESS_KEY=<secret-access-key> AWS_DEFAULT_REGION=%s%s aws --endpoint-url %s secretsmanager list-secrets\n",
		s.Info().Region, ca, endpoint)
}

// shellQuote quotes p for a POSIX shell when it needs it.
func shellQuote(p string) string {
	if p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+=:,@", r))
	}) < 0 {
		return p
	}
	return "'" + strings.ReplaceAll(escaped.Line(p).String(), "'", `'\''`) + "'"
}

// The garbage collector's settings for serve, unless GOGC or GOMEMLIMIT
// say otherwise. A request allocates a few kilobytes and keeps none, and
// the heap that outlives requests is a few megabytes, so with Go's
// default (collect when the heap doubles) serve collected every few
// hundred requests and spent about a tenth of its CPU time doing so.
// Collecting when it has grown fivefold cuts that to a fraction; the soft
// limit keeps the heap under 256 MiB all the same, whatever the load
// (bodies held at once are bounded at 32 MiB, see server.DefaultBodyBudget).
const (
	serveGCPercent   = 400
	serveMemoryLimit = 256 << 20
)

func tuneServeGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}

// logFlushEvery is how late a log line may reach stderr, and logBufferMax
// how many bytes of lines wait at most.
const (
	logFlushEvery = 50 * time.Millisecond
	logBufferMax  = 32 << 10
)

// logBuffer gathers the log lines of requests served close together into
// one write: a write to stderr per request, a system call, cost serve
// more than formatting the line. A line waits at most logFlushEvery.
type logBuffer struct {
	mu      sync.Mutex
	w       io.Writer
	every   time.Duration
	buf     []byte
	pending bool // a flush is scheduled
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if len(l.buf) >= logBufferMax {
		return len(p), l.flushLocked()
	}
	if !l.pending {
		l.pending = true
		time.AfterFunc(l.every, func() { _ = l.Flush() })
	}
	return len(p), nil
}

// Flush writes what is gathered.
func (l *logBuffer) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = false
	return l.flushLocked()
}

func (l *logBuffer) flushLocked() error {
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.buf)
	l.buf = l.buf[:0]
	return err
}
