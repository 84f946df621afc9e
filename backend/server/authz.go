package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/policy"
	"github.com/secretary-sh/secretary/backend/wire"
)

// PolicySource is what authorising requests needs from the store: who an
// access key acts as, that user's identity policies, a secret's tags and
// resource policy, and a place to record refusals.
type PolicySource interface {
	// AccessKeyUser returns the user a key acts as; "" (a source whose
	// keys may act as no user) lets the key do everything.
	AccessKeyUser(ctx context.Context, keyID string) (string, error)
	UserAuthorization(ctx context.Context, user string) (policy.Principal, []policy.Attached, error)
	// SecretAuthorization fails with ResourceNotFoundException for a
	// secret that does not exist.
	SecretAuthorization(ctx context.Context, secretID string) (*backend.SecretAccess, error)
	SecretARNPrefix() string
	// AuditDenial records a refusal with the statement that decided it.
	AuditDenial(ctx context.Context, op, arn, decidedBy string) error
}

// authzFields are the members of any request that name its secret or feed
// a condition key; one decode serves every operation.
type authzFields struct {
	SecretId                   *string    `json:"SecretId"`
	Name                       *string    `json:"Name"`
	Description                *string    `json:"Description"`
	KmsKeyId                   *string    `json:"KmsKeyId"`
	Tags                       []wire.Tag `json:"Tags"`
	TagKeys                    []string   `json:"TagKeys"`
	VersionId                  *string    `json:"VersionId"`
	VersionStage               *string    `json:"VersionStage"`
	ForceDeleteWithoutRecovery *bool      `json:"ForceDeleteWithoutRecovery"`
	RecoveryWindowInDays       *int64     `json:"RecoveryWindowInDays"`
	RotationLambdaARN          *string    `json:"RotationLambdaARN"`
	BlockPublicPolicy          *bool      `json:"BlockPublicPolicy"`
}

// caller is the authorisation state of one request.
type caller struct {
	principal policy.Principal
	identity  []policy.Attached
	base      policy.Context // request-wide keys: time, network, transport
	// allowed remembers reads this caller was allowed, for as long as the
	// cached caller lives (authzCacheTTL); shared by its requests.
	allowed *allowedReads
	// now, source and tls are what base was built from, for the key of
	// a remembered decision.
	now    int64
	source string
	tls    bool
}

// allowedReads remembers the reads a caller was allowed: a client reading
// the same secret again and again (the common case for an application)
// is then decided by one map lookup instead of evaluating every statement
// of its policies each time. Only reads whose every condition key comes
// from the key below are remembered, and only allowed ones: a denial is
// evaluated and audited afresh each time. The memory goes with the cached
// caller, so a change to the caller's policies takes effect as before;
// the key holds the secret's cached entry, so a change to its tags or
// resource policy does too.
type allowedReads struct {
	mu sync.Mutex
	m  map[readKey]struct{}
}

// readKey is everything a remembered read's decision depended on.
type readKey struct {
	op, secretID         string
	versionID, stage     string
	hasVersion, hasStage bool
	secret               *backend.SecretAccess
	second               int64 // aws:CurrentTime and aws:EpochTime
	source               string
	tls                  bool
}

// maxAllowedReads bounds what one caller remembers.
const maxAllowedReads = 1024

func (a *allowedReads) has(k readKey) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.m[k]
	return ok
}

func (a *allowedReads) add(k readKey) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil || len(a.m) >= maxAllowedReads {
		a.m = map[readKey]struct{}{}
	}
	a.m[k] = struct{}{}
}

// rememberable returns the key of a read whose decision may be
// remembered: GetSecretValue or DescribeSecret with no member other than
// those in the key.
func (c *caller) rememberable(op string, f *authzFields, sa *backend.SecretAccess) (readKey, bool) {
	if c.allowed == nil || sa == nil || f.SecretId == nil || (op != "GetSecretValue" && op != "DescribeSecret") {
		return readKey{}, false
	}
	if f.Name != nil || f.Description != nil || f.KmsKeyId != nil || f.Tags != nil || f.TagKeys != nil ||
		f.ForceDeleteWithoutRecovery != nil || f.RecoveryWindowInDays != nil || f.RotationLambdaARN != nil || f.BlockPublicPolicy != nil {
		return readKey{}, false
	}
	k := readKey{op: op, secretID: *f.SecretId, secret: sa, second: c.now, source: c.source, tls: c.tls}
	if f.VersionId != nil {
		k.versionID, k.hasVersion = *f.VersionId, true
	}
	if f.VersionStage != nil {
		k.stage, k.hasStage = *f.VersionStage, true
	}
	return k, true
}

// call runs the operation for the key id, authorising it first when the
// handler has a policy source: the one place access control enters the
// request path.
func (h *Handler) call(ctx context.Context, r *http.Request, keyID, op string, fn opFunc, body []byte) (any, error) {
	if h.policies == nil {
		return fn(ctx, h.b, body)
	}
	who, err := h.authz.caller(ctx, h.policies, keyID)
	if err != nil {
		return nil, err
	}
	if who == nil {
		return fn(ctx, h.b, body) // a source whose keys may act as no user
	}
	// The audit records of the request name the user beside its key.
	ctx = backend.WithPrincipal(ctx, who.principal.ARN)
	c := &caller{principal: who.principal, identity: who.identity, base: policy.Context{}, allowed: who.allowed}
	now := h.now()
	c.now, c.tls = now.Unix(), r.TLS != nil
	c.base.Set("aws:CurrentTime", now.UTC().Format(time.RFC3339))
	c.base.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	c.base.Set("aws:SecureTransport", strconv.FormatBool(r.TLS != nil))
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.base.Set("aws:SourceIp", host)
		c.source = host
	}
	var f authzFields
	// A body that does not decode is refused by the operation itself with
	// AWS's SerializationException; here it only lacks condition keys.
	_ = json.Unmarshal(body, &f)
	if err := h.authorize(ctx, c, op, &f); err != nil {
		return nil, err
	}
	out, err := fn(ctx, h.b, body)
	if err != nil || op != "BatchGetSecretValue" {
		return out, err
	}
	res, ok := out.(wire.BatchGetSecretValueResponse)
	if !ok {
		return out, nil
	}
	return h.filterBatch(ctx, c, res)
}

// authorize decides one request. ListSecrets, GetRandomPassword and
// BatchGetSecretValue itself are authorised on "*", as in AWS; every other
// operation on its secret (for CreateSecret, the secret it would create).
func (h *Handler) authorize(ctx context.Context, c *caller, op string, f *authzFields) error {
	var remember readKey // a read whose allowance may be remembered
	rememberable := false
	action := "secretsmanager:" + op
	req := c.request(action, "*")
	display := "*"
	var sa *backend.SecretAccess
	switch op {
	case "ListSecrets", "GetRandomPassword", "BatchGetSecretValue":
	case "CreateSecret":
		if f.Name != nil {
			req.Resource = h.policies.SecretARNPrefix() + *f.Name + "-??????"
			req.Context.Set("secretsmanager:Name", *f.Name)
			display = *f.Name
		}
	default:
		if f.SecretId == nil {
			break // the operation reports the missing member
		}
		display = *f.SecretId
		var err error
		sa, err = h.authz.secret(ctx, h.policies, *f.SecretId)
		if err == nil {
			if remember, rememberable = c.rememberable(op, f, sa); rememberable && c.allowed.has(remember) {
				return nil
			}
		}
		switch {
		case err == nil:
			req.Resource = sa.ARN
			sa.SetSecretContext(req)
		case backend.Code(err) == backend.CodeResourceNotFound:
			// Decide on the ARN the secret would have: a caller not
			// allowed there learns nothing about what exists.
			req.Resource = h.policies.SecretARNPrefix() + *f.SecretId
		default:
			return err
		}
	}
	setRequestKeys(req, f)
	if op == "GetSecretValue" && f.VersionId == nil && f.VersionStage == nil {
		// Without either, the request reads AWSCURRENT; saying so lets a
		// policy that allows only AWSCURRENT allow the plain read.
		req.Context.Set("secretsmanager:VersionStage", "AWSCURRENT")
	}
	attached := c.identity
	if sa != nil {
		attached = sa.Attach(c.identity)
	}
	d := policy.Evaluate(req, attached)
	if d.Allowed() {
		if rememberable {
			c.allowed.add(remember)
		}
		return nil
	}
	return h.deny(ctx, c, op, req.Resource, display, d)
}

func (c *caller) request(action, resource string) *policy.Request {
	req := policy.NewRequest(c.principal, action, resource)
	for k, v := range c.base {
		req.Context[k] = v
	}
	return req
}

// setRequestKeys adds the condition keys the request's own members supply.
func setRequestKeys(req *policy.Request, f *authzFields) {
	set := func(key string, v *string) {
		if v != nil {
			req.Context.Set(key, *v)
		}
	}
	set("secretsmanager:Description", f.Description)
	set("secretsmanager:KmsKeyId", f.KmsKeyId)
	set("secretsmanager:VersionId", f.VersionId)
	set("secretsmanager:VersionStage", f.VersionStage)
	set("secretsmanager:RotationLambdaARN", f.RotationLambdaARN)
	if f.ForceDeleteWithoutRecovery != nil {
		req.Context.Set("secretsmanager:ForceDeleteWithoutRecovery", strconv.FormatBool(*f.ForceDeleteWithoutRecovery))
	}
	if f.RecoveryWindowInDays != nil {
		req.Context.Set("secretsmanager:RecoveryWindowInDays", strconv.FormatInt(*f.RecoveryWindowInDays, 10))
	}
	if f.BlockPublicPolicy != nil {
		req.Context.Set("secretsmanager:BlockPublicPolicy", strconv.FormatBool(*f.BlockPublicPolicy))
	}
	keys := f.TagKeys
	for _, t := range f.Tags {
		if t.Key == nil {
			continue
		}
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		req.Context.Set("aws:RequestTag/"+*t.Key, v)
		keys = append(keys, *t.Key)
	}
	if len(keys) > 0 {
		req.Context.Set("aws:TagKeys", keys...)
	}
}

// deny builds AWS's AccessDeniedException and audits the refusal with the
// statement that decided it, which the log names too.
func (h *Handler) deny(ctx context.Context, c *caller, op, arn, display string, d policy.Decision) error {
	msg := d.DeniedMessage(c.principal.ARN, "secretsmanager:"+op, display)
	by := "no statement allows it"
	if d.By != nil {
		by = d.By.String()
	}
	h.log.LogAttrs(ctx, slog.LevelInfo, "denied", slog.String("op", op), slog.String("principal", c.principal.ARN),
		slog.String("resource", arn), slog.String("decision", d.Outcome.String()), slog.String("by", by))
	if err := h.policies.AuditDenial(ctx, op, arn, by); err != nil {
		return fmt.Errorf("audit the denial of %s: %w", op, err)
	}
	return backend.Errorf(backend.CodeAccessDenied, "%s", msg)
}

// filterBatch moves every secret the caller may not read out of a
// BatchGetSecretValue answer into its Errors, as AWS reports per-secret
// denials.
func (h *Handler) filterBatch(ctx context.Context, c *caller, res wire.BatchGetSecretValueResponse) (any, error) {
	kept := res.SecretValues[:0]
	for _, v := range res.SecretValues {
		sa, err := h.authz.secret(ctx, h.policies, v.ARN)
		if err != nil {
			return nil, err
		}
		req := c.request("secretsmanager:GetSecretValue", sa.ARN)
		sa.SetSecretContext(req)
		req.Context.Set("secretsmanager:VersionId", v.VersionId)
		if len(v.VersionStages) > 0 {
			req.Context.Set("secretsmanager:VersionStage", v.VersionStages...)
		}
		d := policy.Evaluate(req, sa.Attach(c.identity))
		if d.Allowed() {
			kept = append(kept, v)
			continue
		}
		denied := h.deny(ctx, c, "GetSecretValue", sa.ARN, v.Name, d)
		if backend.Code(denied) != backend.CodeAccessDenied {
			return nil, denied
		}
		res.Errors = append(res.Errors, wire.APIError{SecretId: v.Name, ErrorCode: backend.CodeAccessDenied, Message: backend.Message(denied)})
	}
	res.SecretValues = kept
	return res, nil
}

// authzCacheTTL is how long serve trusts what it read about a caller or a
// secret. Reading it for every request would serialise requests on the
// store; like IAM, which is eventually consistent, a change to users,
// policies, tags or resource policies takes effect within this time.
const authzCacheTTL = time.Second

// authzCacheMax bounds each cache; past it the cache starts over.
const authzCacheMax = 10000

// authzCache remembers, for authzCacheTTL, the user each access key acts
// as with its parsed policies, and each secret's tags and resource policy.
type authzCache struct {
	mu      sync.Mutex
	callers map[string]callerEntry
	secrets map[string]secretEntry
}

type callerEntry struct {
	who *caller // nil: a key that acts as no user (see PolicySource)
	at  time.Time
}

type secretEntry struct {
	sa  *backend.SecretAccess
	err error
	at  time.Time
}

func (c *authzCache) caller(ctx context.Context, src PolicySource, keyID string) (*caller, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.callers[keyID]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < authzCacheTTL {
		return e.who, nil
	}
	user, err := src.AccessKeyUser(ctx, keyID)
	if err != nil {
		return nil, err
	}
	var who *caller
	if user != "" {
		who = &caller{allowed: &allowedReads{}}
		if who.principal, who.identity, err = src.UserAuthorization(ctx, user); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	if c.callers == nil || len(c.callers) >= authzCacheMax {
		c.callers = map[string]callerEntry{}
	}
	c.callers[keyID] = callerEntry{who: who, at: now}
	c.mu.Unlock()
	return who, nil
}

// secret returns what SecretAuthorization says about id; a missing secret
// (ResourceNotFoundException) is remembered too, any other error is not.
func (c *authzCache) secret(ctx context.Context, src PolicySource, id string) (*backend.SecretAccess, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.secrets[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < authzCacheTTL {
		return e.sa, e.err
	}
	sa, err := src.SecretAuthorization(ctx, id)
	if err != nil && backend.Code(err) != backend.CodeResourceNotFound {
		return nil, err
	}
	c.mu.Lock()
	if c.secrets == nil || len(c.secrets) >= authzCacheMax {
		c.secrets = map[string]secretEntry{}
	}
	c.secrets[id] = secretEntry{sa: sa, err: err, at: now}
	c.mu.Unlock()
	return sa, err
}
