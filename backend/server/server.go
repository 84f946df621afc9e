// Package server serves a backend over the AWS Secrets Manager JSON 1.1
// protocol, so that the AWS SDKs and the AWS CLI can use the embedded store
// by pointing AWS_ENDPOINT_URL_SECRETS_MANAGER at it. Every request must be
// signed with Signature Version 4 by an access key the server knows; the
// key id becomes the actor in the store's audit log.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/wire"
)

// DefaultMaxBodyBytes bounds a request body at what the largest valid
// request needs: a 65,536-byte SecretString every byte of which a client
// escapes as \u00XX (6 bytes; boto3 escapes all non-ASCII this way, and
// every client control characters), plus 64 KiB for the other members
// (name, description, tags, KMS key). A binary value of that size is only
// 87,384 bytes of base64.
const DefaultMaxBodyBytes = 6*65536 + 64<<10

// DefaultMaxInFlightPerIP bounds the requests one client address has in
// progress at once; beyond it a request gets ThrottlingException, which
// the SDKs retry with backoff.
const DefaultMaxInFlightPerIP = 64

// DefaultBodyBudget bounds the bytes of request bodies held in memory at
// once, over all clients. Bodies are read only after the headers
// authenticate, so only holders of a valid access key id draw on it; a
// request that would exceed it gets ThrottlingException.
const DefaultBodyBudget = 32 << 20

// DefaultRegion is the region of a store created without one, whose ARNs
// name it.
const DefaultRegion = "local"

const (
	targetPrefix = "secretsmanager."
	contentType  = "application/x-amz-json-1.1"
)

// Options configure the handler.
type Options struct {
	// Keys verifies signatures. Required.
	Keys AccessKeys
	// Region is the region credential scopes must name: the store's.
	// Empty means DefaultRegion.
	Region string
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxInFlightPerIP bounds the requests in progress per client
	// address; 0 means DefaultMaxInFlightPerIP.
	MaxInFlightPerIP int
	// BodyBudget bounds the bytes of bodies held at once; 0 means
	// DefaultBodyBudget. It is at least MaxBodyBytes.
	BodyBudget int64
	// Now is the clock signatures are checked against; nil means time.Now.
	Now func() time.Time
	// Log receives one line per request (operation, actor, outcome, error
	// name; never a value) at Info, and one per failed authentication at
	// Warn. Nil discards.
	Log *slog.Logger
	// Policies, when set, authorises every request by the policies of the
	// user its access key acts as (see PolicySource); nil lets every
	// authenticated request through, as before access control existed.
	Policies PolicySource
	// AuditAuthFailure records a failed authentication in the audit log;
	// nil records nothing (the log line is still written).
	AuditAuthFailure func(ctx context.Context, f AuthFailure) error
}

// AuthFailure is a request refused before it was authenticated. It never
// holds the signature: with the request it would let anyone replay it
// within the five minutes of allowed skew.
type AuthFailure struct {
	// KeyID is the access key id the request claimed, as sent (possibly
	// empty, or not an id at all).
	KeyID string
	// Code is the exception returned; Reason says in a few words why.
	Code, Reason string
	// Source is the client's address (host:port).
	Source string
}

// Handler serves the Secrets Manager API for one backend.
type Handler struct {
	b         backend.Backend
	authAudit func(context.Context, AuthFailure) error
	verify    verifier
	maxBody   int64
	log       *slog.Logger
	inFlight  *perIPLimit
	bodies    *byteBudget
	// policies and now serve authorisation (authz.go).
	policies PolicySource
	authz    authzCache
	now      func() time.Time
}

// New returns the HTTP handler serving b.
func New(b backend.Backend, opts Options) (*Handler, error) {
	if b == nil {
		return nil, errors.New("server: nil backend")
	}
	if opts.Keys == nil {
		return nil, errors.New("server: no access keys to verify signatures against")
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxInFlightPerIP <= 0 {
		opts.MaxInFlightPerIP = DefaultMaxInFlightPerIP
	}
	if opts.BodyBudget <= 0 {
		opts.BodyBudget = DefaultBodyBudget
	}
	opts.BodyBudget = max(opts.BodyBudget, opts.MaxBodyBytes)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{
		b:         b,
		authAudit: opts.AuditAuthFailure,
		verify:    verifier{keys: opts.Keys, now: opts.Now, region: opts.Region},
		maxBody:   opts.MaxBodyBytes,
		log:       opts.Log,
		inFlight:  newPerIPLimit(opts.MaxInFlightPerIP),
		bodies:    &byteBudget{free: opts.BodyBudget},
		policies:  opts.Policies,
		now:       opts.Now,
	}, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	actor := ""
	var failed *authError
	status, code := h.serve(w, r, op, &actor, &failed)
	if failed != nil {
		h.authFailed(r, reqID, op, failed)
		return
	}
	if !h.log.Enabled(r.Context(), slog.LevelInfo) {
		return
	}
	// A record built here rather than by LogAttrs, which walks the stack
	// for a source location nobody logs, on every request.
	rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("id", reqID), slog.String("op", op), slog.String("actor", actor),
		slog.Int("status", status), slog.String("error", code),
		slog.Duration("took", time.Since(start)))
	_ = h.log.Handler().Handle(r.Context(), rec)
}

// maxLogged bounds what an unauthenticated client's header puts in one
// log field (the key id claimed, the operation): it may be anything, up
// to the 64 KB of headers the server reads.
const maxLogged = 64

func clip(s string) string {
	if len(s) > maxLogged {
		return s[:maxLogged] + "…"
	}
	return s
}

// authFailed logs a failed authentication, at Warn so that --quiet keeps
// it, and audits it.
func (h *Handler) authFailed(r *http.Request, reqID, op string, e *authError) {
	h.log.LogAttrs(r.Context(), slog.LevelWarn, "authentication failed",
		slog.String("id", reqID), slog.String("op", clip(op)), slog.String("key", clip(e.keyID)),
		slog.String("reason", e.reason), slog.String("error", e.err.Code), slog.String("source", r.RemoteAddr))
	if h.authAudit == nil {
		return
	}
	if err := h.authAudit(r.Context(), AuthFailure{KeyID: e.keyID, Code: e.err.Code, Reason: e.reason, Source: r.RemoteAddr}); err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "cannot audit a failed authentication",
			slog.String("id", reqID), slog.String("error", err.Error()))
	}
}

// serve answers r and returns the status and exception name sent. It
// sets *actor to the access key once authenticated, and *failed to the
// reason when authentication fails.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, op string, actor *string, failed **authError) (int, string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return writeError(w, http.StatusMethodNotAllowed, backend.Errorf("UnknownOperationException", "the Secrets Manager API accepts only POST"))
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return writeError(w, http.StatusNotFound, backend.Errorf("UnknownOperationException", "the Secrets Manager API is served at /"))
	}
	if !h.inFlight.acquire(r.RemoteAddr) {
		refuseBody(w, r)
		return writeError(w, http.StatusBadRequest, &backend.Error{Code: backend.CodeThrottling, Message: msgThrottled})
	}
	defer h.inFlight.release(r.RemoteAddr)
	if r.ContentLength > h.maxBody {
		refuseBody(w, r)
		return h.tooLarge(w)
	}
	pending, err := h.verify.checkHeaders(r.Context(), r)
	if err != nil {
		errors.As(err, failed)
		refuseBody(w, r)
		return h.writeBackendError(w, r, err)
	}
	body, reserved, status, code := h.readBody(w, r)
	if body == nil {
		wipe(pending.secret)
		return status, code
	}
	defer h.bodies.release(reserved)
	if err := h.verify.checkSignature(r, body, pending); err != nil {
		errors.As(err, failed)
		return h.writeBackendError(w, r, err)
	}
	id := pending.h.accessKeyID
	*actor = id
	target := r.Header.Get("X-Amz-Target")
	if !strings.HasPrefix(target, targetPrefix) {
		return writeError(w, http.StatusBadRequest, backend.Errorf("UnknownOperationException", "X-Amz-Target must be %s<Operation>", targetPrefix))
	}
	fn := operation(op)
	if fn == nil {
		return writeError(w, http.StatusBadRequest, backend.Errorf("UnknownOperationException", "unknown operation %s", op))
	}
	ctx := backend.WithActor(r.Context(), id)
	var check *backend.AccessKeyCheck
	if h.verify.confirms() {
		// The key's secret may have come from memory: the store
		// confirms in the operation's transaction that the key still
		// exists, and when no transaction did, it is asked (see
		// AccessKeys).
		check = &backend.AccessKeyCheck{ID: id}
		ctx = backend.WithAccessKeyCheck(ctx, check)
	}
	out, err := h.call(ctx, r, id, op, fn, body)
	if check != nil && !check.Confirmed() {
		if cerr := h.verify.confirm(r.Context(), id); cerr != nil {
			out, err = nil, cerr
		}
	}
	if backend.Code(err) == backend.CodeUnrecognizedClient {
		err = authFail(id, "access key deleted", &backend.Error{Code: backend.CodeUnrecognizedClient, Message: msgUnknownKey})
		errors.As(err, failed)
	}
	if err != nil {
		return h.writeBackendError(w, r, err)
	}
	buf, err := json.Marshal(out)
	if err != nil {
		return h.writeBackendError(w, r, fmt.Errorf("encode %s response: %w", op, err))
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
	return http.StatusOK, ""
}

// refuseBody answers a request without reading its body, and closes the
// connection after the answer: otherwise the HTTP server would read (and
// discard) a body of up to 256 KB before answering, to reuse the
// connection, and a client that cannot authenticate has nothing to send.
func refuseBody(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
	}
}

// msgThrottled is AWS's message with ThrottlingException.
const msgThrottled = "Rate exceeded"

func (h *Handler) tooLarge(w http.ResponseWriter) (int, string) {
	return writeError(w, http.StatusRequestEntityTooLarge, backend.Errorf("SerializationException", "request body exceeds %d bytes", h.maxBody))
}

// readBody reads the body within the size limit and the budget of bodies
// in memory. It returns a nil body when it has answered the request
// itself; otherwise the caller releases the bytes reserved.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) (body []byte, reserved int64, status int, code string) {
	// A body of unknown length (chunked) may grow to the limit, so that
	// much is reserved; one byte more than a declared length lets the
	// read see the end of the body without growing the buffer.
	reserved, initial := h.maxBody+1, int64(512)
	if r.ContentLength >= 0 {
		reserved, initial = r.ContentLength+1, r.ContentLength+1
	}
	if !h.bodies.acquire(reserved) {
		status, code := writeError(w, http.StatusBadRequest, &backend.Error{Code: backend.CodeThrottling, Message: msgThrottled})
		return nil, 0, status, code
	}
	body, err := readAllInto(make([]byte, 0, initial), http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		h.bodies.release(reserved)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status, code := h.tooLarge(w)
			return nil, 0, status, code
		}
		status, code := writeError(w, http.StatusBadRequest, backend.Errorf("SerializationException", "cannot read request body: %v", err))
		return nil, 0, status, code
	}
	return body, reserved, 0, ""
}

// readAllInto is io.ReadAll into buf, which a known Content-Length sizes
// so that the body is read without reallocation.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// writeBackendError sends an *backend.Error as AWS would (400 with its
// exception name, 500 for internal failures). Any other error is an
// internal failure: its text stays in the server log, because it may name
// files or internals the client has no business seeing.
func (h *Handler) writeBackendError(w http.ResponseWriter, r *http.Request, err error) (int, string) {
	var be *backend.Error
	if errors.As(err, &be) {
		status := http.StatusBadRequest
		if be.Code == backend.CodeInternalServiceError {
			status = http.StatusInternalServerError
		}
		return writeError(w, status, be)
	}
	if errors.Is(err, context.Canceled) {
		// The client went away; nobody reads the answer.
		return 499, "Canceled"
	}
	h.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
		slog.String("request", w.Header().Get("x-amzn-RequestId")), slog.String("error", err.Error()))
	return writeError(w, http.StatusInternalServerError, backend.Errorf(backend.CodeInternalServiceError,
		"internal error (request %s)", w.Header().Get("x-amzn-RequestId")))
}

func writeError(w http.ResponseWriter, status int, e *backend.Error) (int, string) {
	buf, _ := json.Marshal(wire.ErrorResponse{Type: e.Code, Message: e.Message})
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(buf)
	return status, e.Code
}

// decode parses a request body into v. An empty body is an empty object,
// as the SDKs send for operations without required members.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return backend.Errorf("SerializationException", "%s", jsonErrorMessage(err))
	}
	return nil
}

// jsonErrorMessage describes a decoding failure without echoing the input,
// which may hold a secret value.
func jsonErrorMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("member %s must be of type %s, not %s", typeErr.Field, typeErr.Type, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)
	}
	var b64Err interface{ Error() string }
	if errors.As(err, &b64Err) && strings.Contains(err.Error(), "base64") {
		return "SecretBinary is not valid base64"
	}
	return "request body is not valid JSON"
}

// required reports a missing required member the way AWS's front end does.
func required(name string, present bool) error {
	if present {
		return nil
	}
	return backend.NullMemberError(lowerFirst(name))
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
