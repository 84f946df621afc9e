// Package aws implements the backend contract on AWS Secrets Manager through
// aws-sdk-go-v2.
//
// Construction never blocks: New only reads the shared config files, and
// credentials plus the caller identity (the account for the status bar) are
// resolved in the background with a bounded timeout. A host without
// credentials gets a clear error on its first call instead of the ~4 s the
// SDK's instance-metadata probe would otherwise cost on every attempt.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"

	"github.com/secretary-sh/secretary/backend"
)

// Defaults chosen so that throttling is ridden out (Secrets Manager's rate
// limits recover within seconds) while a broken setup still fails fast.
const (
	DefaultMaxAttempts       = 8
	DefaultMaxBackoff        = 10 * time.Second
	DefaultCredentialTimeout = 5 * time.Second
)

// Config selects the account, region and endpoint. Zero values take the
// SDK's defaults: the default credential chain (environment, shared config
// and credentials files, SSO, web identity, instance metadata), AWS_PROFILE,
// AWS_REGION and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SECRETS_MANAGER.
type Config struct {
	Profile     string
	Region      string
	EndpointURL string

	// Credentials replaces the default credential chain when set (static
	// keys for a local server, or a custom provider).
	Credentials awssdk.CredentialsProvider
	// CredentialTimeout bounds one credential resolution.
	CredentialTimeout time.Duration
	// MaxAttempts and MaxBackoff tune the retryer (throttling, 5xx,
	// transient network errors).
	MaxAttempts int
	MaxBackoff  time.Duration
	// HTTPClient replaces the SDK's HTTP client (custom TLS roots); the
	// timeouts still apply to it.
	HTTPClient *http.Client
	// Timeouts bound the network waits; the zero value waits forever.
	Timeouts Timeouts
	// ReadOnly refuses every change locally, before any request is sent.
	ReadOnly bool
	// SkipIdentity skips the background STS GetCallerIdentity call. It is
	// implied when only the Secrets Manager endpoint is overridden (flag or
	// AWS_ENDPOINT_URL_SECRETS_MANAGER) and STS has no endpoint of its own:
	// the account the real STS would name is not the one holding the
	// secrets (see callerIdentity).
	SkipIdentity bool
}

// Backend is the AWS Secrets Manager backend.
type Backend struct {
	client   *secretsmanager.Client
	profile  string
	region   string
	endpoint string
	readOnly bool

	cancel context.CancelFunc
	done   chan struct{} // closed when background resolution finished

	// trail reads the audit history (CloudTrail LookupEvents).
	trail *trailClient

	mu       sync.Mutex
	account  string
	arn      string
	identErr error
}

var (
	_ backend.Backend          = (*Backend)(nil)
	_ backend.Rotator          = (*Backend)(nil)
	_ backend.ResourcePolicies = (*Backend)(nil)
	_ backend.Streamer         = (*Backend)(nil)
)

// New builds the backend without touching the network; ctx bounds only the
// reading of the shared config files. Credentials and the account are
// resolved in the background; Identity waits for that result.
func New(ctx context.Context, cfg Config) (*Backend, error) {
	if cfg.CredentialTimeout <= 0 {
		cfg.CredentialTimeout = DefaultCredentialTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() awssdk.Retryer { return newRetryer(cfg.MaxAttempts, cfg.MaxBackoff) }),
		// The SDK logs warnings to stderr on its own (an instance metadata
		// service refusing tokens, say), which would land in the middle of
		// the console's screen. Every failure comes back as an error anyway.
		config.WithLogger(logging.Nop{}),
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	opts = append(opts, config.WithHTTPClient(httpClient(cfg.HTTPClient, cfg.Timeouts)))
	if cfg.Credentials != nil {
		opts = append(opts, config.WithCredentialsProvider(cfg.Credentials))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		return nil, errors.New("no AWS region configured: set AWS_REGION, use --region, or set region in the profile")
	}
	if awsCfg.Credentials != nil {
		awsCfg.Credentials = awssdk.NewCredentialsCache(&boundedProvider{
			inner:   awsCfg.Credentials,
			timeout: cfg.CredentialTimeout,
		})
	}
	client := secretsmanager.NewFromConfig(awsCfg, func(o *secretsmanager.Options) {
		if cfg.EndpointURL != "" {
			o.BaseEndpoint = awssdk.String(cfg.EndpointURL)
		}
		o.APIOptions = append(o.APIOptions, callBudget(cfg.Timeouts, endpointURL(*o)))
	})
	profile := cfg.Profile
	if profile == "" {
		profile = profileFromConfig(awsCfg)
	}
	bgCtx, cancel := context.WithCancel(context.Background())
	b := &Backend{
		client:   client,
		profile:  profile,
		region:   awsCfg.Region,
		endpoint: endpointURL(client.Options()),
		readOnly: cfg.ReadOnly,
		cancel:   cancel,
		done:     make(chan struct{}),
		trail:    newTrailClient(awsCfg, client.Options().BaseEndpoint != nil),
	}
	go b.resolve(bgCtx, awsCfg, cfg)
	return b, nil
}

// profileFromConfig names the profile the SDK picked (AWS_PROFILE or
// "default") for the status bar.
func profileFromConfig(c awssdk.Config) string {
	for _, s := range c.ConfigSources {
		if sc, ok := s.(config.SharedConfig); ok && sc.Profile != "" {
			return sc.Profile
		}
		if ec, ok := s.(config.EnvConfig); ok && ec.SharedConfigProfile != "" {
			return ec.SharedConfigProfile
		}
	}
	return "default"
}

// resolve fetches credentials, then the caller identity, so that the first
// operation finds them cached and the status bar can show the account.
func (b *Backend) resolve(ctx context.Context, awsCfg awssdk.Config, cfg Config) {
	defer close(b.done)
	var err error
	if awsCfg.Credentials == nil {
		err = errNoCredentials(nil)
	} else if _, cerr := awsCfg.Credentials.Retrieve(ctx); cerr != nil {
		err = errNoCredentials(cerr)
	}
	var account, arn string
	if err == nil {
		account, arn, err = callerIdentity(ctx, awsCfg, cfg, b.client.Options().BaseEndpoint != nil)
	}
	b.mu.Lock()
	b.account, b.arn, b.identErr = account, arn, err
	b.mu.Unlock()
}

// Info implements backend.Backend; it never does I/O.
func (b *Backend) Info() backend.Info {
	b.mu.Lock()
	defer b.mu.Unlock()
	return backend.Info{Kind: "aws", Location: b.profile, Region: b.region, Account: b.account, ReadOnly: b.readOnly, Endpoint: b.endpoint}
}

// Close stops the background resolution.
func (b *Backend) Close() error {
	b.cancel()
	return nil
}

// boundedProvider puts a deadline on each credential retrieval so that a
// chain ending in an unreachable instance-metadata service fails in bounded
// time with a message that says what to do.
type boundedProvider struct {
	inner   awssdk.CredentialsProvider
	timeout time.Duration
}

func (p *boundedProvider) Retrieve(ctx context.Context) (awssdk.Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	creds, err := p.inner.Retrieve(ctx)
	if err != nil {
		return creds, errNoCredentials(err)
	}
	return creds, nil
}

// CredentialsError is returned when no credentials could be resolved.
type CredentialsError struct{ Err error }

func (e *CredentialsError) Error() string {
	msg := "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass --profile"
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

func (e *CredentialsError) Unwrap() error { return e.Err }

func errNoCredentials(err error) error {
	var ce *CredentialsError
	if errors.As(err, &ce) {
		return err
	}
	return &CredentialsError{Err: err}
}

// newRetryer retries throttling, 5xx and transient network errors with
// jittered exponential backoff, but not a refused connection: an endpoint
// nobody listens on will not start listening within the retry budget, and
// the operator should learn that at once. Nor a certificate the client does
// not trust (unknown authority, wrong host name, expired): the SDK counts a
// failed handshake as a connection error, but the same certificate comes
// back on every attempt; nor an https:// endpoint that answers in plain
// HTTP. Nor LimitExceededException, which
// the SDK counts as throttling for other services but which Secrets Manager
// uses for quotas (labels per version, versions per secret) that no amount
// of waiting lifts.
func newRetryer(maxAttempts int, maxBackoff time.Duration) awssdk.Retryer {
	std := retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.Backoff = retry.NewExponentialJitterBackoff(maxBackoff)
	})
	return noRetryRefused{std}
}

type noRetryRefused struct{ awssdk.Retryer }

func (r noRetryRefused) IsErrorRetryable(err error) bool {
	// Nor an endpoint that did not answer within the timeout: a black hole
	// stays one, and retrying would multiply the wait the operator was
	// promised (the AWS CLI's retries took 186 s against one).
	if isConnRefused(err) || certificateReason(err) != nil || plainHTTP(err) || isTimeout(err) {
		return false
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == backend.CodeLimitExceeded {
		return false
	}
	var ce *CredentialsError
	if errors.As(err, &ce) {
		return false
	}
	return r.Retryer.IsErrorRetryable(err)
}

// writable refuses a change when the backend was opened read-only.
func (b *Backend) writable() error {
	if b.readOnly {
		return backend.Errorf(backend.CodeInvalidRequest, "secretary was started read-only: changes are refused")
	}
	return nil
}
