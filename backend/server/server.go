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
)

// DefaultMaxBodyBytes bounds a request body. The largest legitimate request
// is a 65,536-byte binary value in base64 plus its envelope.
const DefaultMaxBodyBytes = 1 << 20

const (
	targetPrefix = "secretsmanager."
	contentType  = "application/x-amz-json-1.1"
)

// Options configure the handler.
type Options struct {
	// Keys verifies signatures. Required.
	Keys AccessKeys
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock signatures are checked against; nil means time.Now.
	Now func() time.Time
	// Log receives one line per request (operation, actor, outcome, error
	// name; never a value). Nil discards.
	Log *slog.Logger
	// Policies, when set, authorises every request by the policies of the
	// user its access key acts as (see PolicySource); nil lets every
	// authenticated request through, as before access control existed.
	Policies PolicySource
}

// Handler serves the Secrets Manager API for one backend.
type Handler struct {
	b       backend.Backend
	verify  verifier
	maxBody int64
	log     *slog.Logger
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
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{
		b:        b,
		verify:   verifier{keys: opts.Keys, now: opts.Now},
		maxBody:  opts.MaxBodyBytes,
		log:      opts.Log,
		policies: opts.Policies,
		now:      opts.Now,
	}, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	actor := ""
	status, code := h.serve(w, r, op, &actor)
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("id", reqID), slog.String("op", op), slog.String("actor", actor),
		slog.Int("status", status), slog.String("error", code),
		slog.Duration("took", time.Since(start)))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, op string, actor *string) (int, string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return writeError(w, http.StatusMethodNotAllowed, backend.Errorf("UnknownOperationException", "the Secrets Manager API accepts only POST"))
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return writeError(w, http.StatusNotFound, backend.Errorf("UnknownOperationException", "the Secrets Manager API is served at /"))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return writeError(w, http.StatusRequestEntityTooLarge, backend.Errorf("SerializationException", "request body exceeds %d bytes", h.maxBody))
		}
		return writeError(w, http.StatusBadRequest, backend.Errorf("SerializationException", "cannot read request body: %v", err))
	}
	id, err := h.verify.verify(r.Context(), r, body)
	if err != nil {
		return h.writeBackendError(w, r, err)
	}
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
	out, err := h.call(ctx, r, id, op, fn, body)
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
	buf, _ := json.Marshal(errorResponse{Type: e.Code, Message: e.Message})
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
	return backend.Errorf(backend.CodeValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
