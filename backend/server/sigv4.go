package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// AccessKeys looks up the secret of an access key. An error matching
// backend.ErrResourceNotFound means the key does not exist; any other error
// is a failure of the key store and is reported as an internal error.
//
// A key store may answer SecretKey from memory only if a deleted key is
// still refused at once: the backend then confirms the key in each
// operation (backend.AccessKeyCheck), and the key store has a method
// ConfirmAccessKey(ctx, id) error, which reads the store, for requests no
// operation confirmed: the server then puts the check in every
// operation's context, so the key store must be the backend's own. A key
// store without the method is trusted to read the store on every
// SecretKey.
type AccessKeys interface {
	SecretKey(ctx context.Context, accessKeyID string) (secret []byte, err error)
}

// keyConfirmer is the optional method of AccessKeys described above.
type keyConfirmer interface {
	ConfirmAccessKey(ctx context.Context, accessKeyID string) error
}

// confirms reports whether the key store answers from memory, and so
// wants each operation to confirm the key (backend.AccessKeyCheck).
func (v *verifier) confirms() bool {
	_, ok := v.keys.(keyConfirmer)
	return ok
}

// confirm checks with the key store that the key still exists. Errors
// are *authError, or plain errors for key-store failures.
func (v *verifier) confirm(ctx context.Context, id string) error {
	err := v.keys.(keyConfirmer).ConfirmAccessKey(ctx, id)
	if errors.Is(err, backend.ErrResourceNotFound) {
		return authFail(id, "access key deleted", &backend.Error{Code: backend.CodeUnrecognizedClient, Message: msgUnknownKey})
	}
	if err != nil {
		return fmt.Errorf("look up access key: %w", err)
	}
	return nil
}

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	signingName  = "secretsmanager"
	amzDateFmt   = "20060102T150405Z"
	// maxSkew is how far the request's X-Amz-Date may be from our clock,
	// as AWS allows.
	maxSkew = 5 * time.Minute
)

// The messages AWS sends for each authentication failure, so that SDKs and
// operators see what they would see against the real service.
const (
	msgMissingToken   = "Missing Authentication Token"
	msgUnknownKey     = "The security token included in the request is invalid."
	msgBadSignature   = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	codeIncompleteSig = backend.CodeIncompleteSignature
)

// authHeader is a parsed SigV4 Authorization header.
type authHeader struct {
	accessKeyID   string
	date          string // yyyymmdd from the credential scope
	region        string
	service       string
	terminator    string
	signedHeaders []string
	signature     string
}

func parseAuthorization(v string) (*authHeader, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if alg != sigAlgorithm {
		return nil, backend.Errorf(codeIncompleteSig, "Unsupported authorization algorithm %q: only %s is accepted", alg, sigAlgorithm)
	}
	h := &authHeader{}
	var haveCred, haveSigned, haveSig bool
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "Credential":
			fields := strings.Split(val, "/")
			if len(fields) != 5 {
				return nil, backend.Errorf(codeIncompleteSig, "Credential should have 5 slash-separated parts: <access key>/<date>/<region>/<service>/aws4_request")
			}
			h.accessKeyID, h.date, h.region, h.service, h.terminator = fields[0], fields[1], fields[2], fields[3], fields[4]
			haveCred = true
		case "SignedHeaders":
			h.signedHeaders = strings.Split(val, ";")
			haveSigned = true
		case "Signature":
			h.signature = val
			haveSig = true
		}
	}
	var missing []string
	if !haveCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !haveSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(missing) > 0 {
		return nil, backend.Errorf(codeIncompleteSig, "%s", strings.Join(missing, " "))
	}
	return h, nil
}

// verifier checks Signature Version 4 on incoming requests.
type verifier struct {
	keys AccessKeys
	now  func() time.Time
	// region is the only region a credential scope may name: the store's.
	region  string
	derived signingKeys
}

// signingKeys remembers the signing key derived for each access key and
// credential scope: deriving it takes four HMACs, and it changes only
// with the day or the key's secret. An entry is used only for the secret
// it was derived from (compared by digest).
type signingKeys struct {
	mu   sync.Mutex
	keys map[signingScope]derivedKey
}

type signingScope struct{ id, date, region, service string }

type derivedKey struct {
	secretSum [sha256.Size]byte
	key       []byte
}

// maxSigningKeys bounds the cache; past it, it starts over (yesterday's
// scopes are never used again).
const maxSigningKeys = 1024

func (c *signingKeys) get(h *authHeader, secret []byte) []byte {
	scope := signingScope{h.accessKeyID, h.date, h.region, h.service}
	sum := sha256.Sum256(secret)
	c.mu.Lock()
	e, ok := c.keys[scope]
	c.mu.Unlock()
	if ok && e.secretSum == sum {
		return e.key
	}
	key := signingKey(secret, h.date, h.region, h.service)
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= maxSigningKeys {
		// Not wiped: a request may be checking against one right now.
		c.keys = map[signingScope]derivedKey{}
	}
	c.keys[scope] = derivedKey{secretSum: sum, key: key}
	c.mu.Unlock()
	return key
}

// authError is a failed authentication: the exception the client gets,
// and for the operator's log and the audit record the key id the request
// claimed and a short reason (never the signature).
type authError struct {
	err    *backend.Error
	keyID  string
	reason string
}

func (e *authError) Error() string { return e.reason + ": " + e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

func authFail(keyID, reason string, err *backend.Error) error {
	return &authError{err: err, keyID: keyID, reason: reason}
}

// pendingAuth is a request whose headers passed every check that needs no
// body; only the signature over the body is left.
type pendingAuth struct {
	h       *authHeader
	amzDate string
	secret  []byte
}

// checkHeaders authenticates everything but the body: the Authorization
// header's form, the date, the credential scope, the signed headers and
// the access key. It runs before the body is read, so a request that
// cannot be valid costs no memory for its body. Errors are *authError,
// or plain errors for key-store failures.
func (v *verifier) checkHeaders(ctx context.Context, r *http.Request) (*pendingAuth, error) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		if r.URL.Query().Get("X-Amz-Algorithm") != "" {
			return nil, authFail("", "presigned URL", backend.Errorf(codeIncompleteSig, "Query-string (presigned) authentication is not supported: sign the request with an Authorization header"))
		}
		return nil, authFail("", "no Authorization header", &backend.Error{Code: backend.CodeMissingAuthToken, Message: msgMissingToken})
	}
	h, err := parseAuthorization(authz)
	if err != nil {
		var be *backend.Error
		errors.As(err, &be)
		return nil, authFail("", "malformed Authorization header", be)
	}
	id := h.accessKeyID
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		return nil, authFail(id, "no X-Amz-Date", backend.Errorf(codeIncompleteSig, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."))
	}
	reqTime, err := time.Parse(amzDateFmt, amzDate)
	if err != nil {
		return nil, authFail(id, "malformed X-Amz-Date", backend.Errorf(codeIncompleteSig, "X-Amz-Date %q is not in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z'", amzDate))
	}
	if err := v.checkScope(h, amzDate); err != nil {
		return nil, err
	}
	if err := checkSignedHeaders(r, h); err != nil {
		return nil, err
	}
	now := v.now().UTC()
	if reqTime.Before(now.Add(-maxSkew)) {
		return nil, authFail(id, "signature expired", backend.Errorf(backend.CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - 5 min.)",
			amzDate, now.Add(-maxSkew).Format(amzDateFmt), now.Format(amzDateFmt)))
	}
	if reqTime.After(now.Add(maxSkew)) {
		return nil, authFail(id, "signature not yet current", backend.Errorf(backend.CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + 5 min.)",
			amzDate, now.Add(maxSkew).Format(amzDateFmt), now.Format(amzDateFmt)))
	}
	if r.Header.Get("X-Amz-Security-Token") != "" {
		// Keys served here are long-term keys; a session token can only
		// come from credentials meant for another service.
		return nil, authFail(id, "session token", &backend.Error{Code: backend.CodeUnrecognizedClient, Message: msgUnknownKey})
	}
	secret, err := v.keys.SecretKey(ctx, id)
	if err != nil {
		if errors.Is(err, backend.ErrResourceNotFound) {
			return nil, authFail(id, "unknown access key", &backend.Error{Code: backend.CodeUnrecognizedClient, Message: msgUnknownKey})
		}
		return nil, fmt.Errorf("look up access key: %w", err)
	}
	return &pendingAuth{h: h, amzDate: amzDate, secret: secret}, nil
}

// checkScope checks the credential scope: this service, this server's
// region, the request's date.
func (v *verifier) checkScope(h *authHeader, amzDate string) error {
	if h.service != signingName {
		return authFail(h.accessKeyID, "scoped to another service", backend.Errorf(backend.CodeInvalidSignature, "Credential should be scoped to correct service: '%s'.", signingName))
	}
	if h.region != v.region {
		return authFail(h.accessKeyID, "scoped to another region", backend.Errorf(backend.CodeInvalidSignature,
			"Credential should be scoped to a valid region, not '%s': this server's region is '%s' (set AWS_REGION or --region to it).", h.region, v.region))
	}
	if h.terminator != "aws4_request" {
		return authFail(h.accessKeyID, "bad scope terminator", backend.Errorf(backend.CodeInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", h.terminator))
	}
	if h.date != amzDate[:8] {
		return authFail(h.accessKeyID, "scope date differs from X-Amz-Date", backend.Errorf(backend.CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", h.date, amzDate[:8], amzDate))
	}
	return nil
}

// checkSignedHeaders requires Host, X-Amz-Date, X-Amz-Target and every
// other x-amz-* header the request carries to be signed, as AWS does: an
// unsigned X-Amz-Target could be swapped in transit, turning a signed
// DescribeSecret into a GetSecretValue that returns the value.
func checkSignedHeaders(r *http.Request, h *authHeader) error {
	for _, name := range []string{"Host", "X-Amz-Date", "X-Amz-Target"} {
		if !containsFold(h.signedHeaders, name) {
			return unsignedHeader(h.accessKeyID, name)
		}
	}
	for name := range r.Header {
		if len(name) > 6 && strings.EqualFold(name[:6], "x-amz-") && !containsFold(h.signedHeaders, name) {
			return unsignedHeader(h.accessKeyID, name)
		}
	}
	return nil
}

func unsignedHeader(keyID, name string) error {
	return authFail(keyID, "unsigned "+name, backend.Errorf(backend.CodeInvalidSignature, "'%s' must be a 'SignedHeader' in the AWS Authorization.", name))
}

// checkSignature finishes what checkHeaders began: the signature over the
// request and its body. It wipes the key's secret.
func (v *verifier) checkSignature(r *http.Request, body []byte, p *pendingAuth) error {
	defer wipe(p.secret)
	h := p.h
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if claimed := r.Header.Get("X-Amz-Content-Sha256"); claimed != "" && claimed != payloadHash {
		// UNSIGNED-PAYLOAD and streaming modes are S3 features; here the
		// body is always hashed.
		return authFail(h.accessKeyID, "X-Amz-Content-Sha256 differs from the body", &backend.Error{Code: backend.CodeInvalidSignature, Message: msgBadSignature})
	}
	creq := canonicalRequest(r, h.signedHeaders, payloadHash)
	creqSum := sha256.Sum256([]byte(creq))
	scope := h.date + "/" + h.region + "/" + h.service + "/" + h.terminator
	stringToSign := sigAlgorithm + "\n" + p.amzDate + "\n" + scope + "\n" + hex.EncodeToString(creqSum[:])
	key := v.derived.get(h, p.secret)
	want := hex.EncodeToString(hmacSHA256(key, []byte(stringToSign)))
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(h.signature))) {
		return authFail(h.accessKeyID, "signature mismatch", &backend.Error{Code: backend.CodeInvalidSignature, Message: msgBadSignature})
	}
	return nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// canonicalRequest builds the SigV4 canonical request: method, URI, query,
// headers, signed header list and payload hash, each as AWS's signing
// documentation defines.
func canonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	names := make([]string, len(signed))
	for i, n := range signed {
		names[i] = strings.ToLower(n)
	}
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(headerValue(r, n))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// headerValue returns the canonical value of one header: values trimmed,
// inner runs of spaces collapsed, repeated headers joined by commas. Go's
// server moves Host and Content-Length out of the header map, so they are
// read from the request itself.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return strconv.FormatInt(r.ContentLength, 10)
	}
	vals := r.Header.Values(name)
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

func canonicalURI(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	// Non-S3 services encode each path segment twice; the SDKs send the
	// once-encoded path and sign its encoding.
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s, false)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		pairs = append(pairs, kv{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes everything but the unreserved characters
// (A-Z a-z 0-9 - _ . ~); slashes too when encodeSlash is set.
func uriEncode(s string, encodeSlash bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		}
	}
	return b.String()
}

func signingKey(secret []byte, date, region, service string) []byte {
	k0 := append([]byte("AWS4"), secret...)
	defer wipe(k0)
	k := hmacSHA256(k0, []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}
