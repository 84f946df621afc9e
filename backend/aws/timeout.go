package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go/middleware"
)

// Timeouts bound how long a call waits on the network. An endpoint that
// accepts connections and never answers (a black-holed proxy or VPC
// endpoint) would otherwise hold a call, and the operator, forever.
// Zero means no limit, as for the AWS CLI's --cli-connect-timeout and
// --cli-read-timeout.
type Timeouts struct {
	// Connect bounds opening a connection, TLS handshake included.
	Connect time.Duration
	// Read bounds the wait for the response to a request once it is sent.
	Read time.Duration
	// Call bounds a whole operation, retries and back-off included.
	Call time.Duration
}

// TimeoutError is a call that got no answer in time. Its text is the AWS
// CLI's, so that scripts and operators see the same words from both.
type TimeoutError struct {
	// Connect is true when no connection could be opened in time; false
	// when a connection was open and no answer came.
	Connect bool
	// Endpoint is the URL the call went to.
	Endpoint string
	Err      error
}

func (e *TimeoutError) Error() string {
	kind := "Read"
	if e.Connect {
		kind = "Connect"
	}
	return fmt.Sprintf("%s timeout on endpoint URL: %q", kind, e.Endpoint)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// httpClient returns the SDK's HTTP client with the connect and read
// timeouts applied, or base with them applied when one was given.
func httpClient(base *http.Client, t Timeouts) config.HTTPClient {
	if base != nil {
		c := *base
		if tr, ok := c.Transport.(*http.Transport); ok {
			tr = tr.Clone()
			applyTransport(tr, t)
			c.Transport = tr
		}
		return &c
	}
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = t.Connect }).
		WithTransportOptions(func(tr *http.Transport) { applyTransport(tr, t) })
}

func applyTransport(tr *http.Transport, t Timeouts) {
	tr.TLSHandshakeTimeout = t.Connect
	tr.ResponseHeaderTimeout = t.Read
	if t.Connect > 0 {
		dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
		tr.DialContext = dialer.DialContext
	}
}

// endpointURL is where the client sends requests: the configured endpoint,
// or the region's public one.
func endpointURL(o secretsmanager.Options) string {
	if o.BaseEndpoint != nil {
		return *o.BaseEndpoint
	}
	return "https://secretsmanager." + o.Region + ".amazonaws.com"
}

// isTimeout reports whether err is the network giving up on an endpoint
// that did not answer in time (not a cancellation by the caller).
func isTimeout(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isConnectTimeout reports whether a timeout happened before a connection
// was open: dialling, or the TLS handshake.
func isConnectTimeout(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() && ne.Error() == "net/http: TLS handshake timeout"
}

// callBudget is the middleware that bounds a whole operation by t.Call and
// turns every way of running out of time into a *TimeoutError naming the
// endpoint: it runs before the retry loop, so back-off sleeps count too.
func callBudget(t Timeouts, endpoint string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("secretaryCallBudget",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				parent := ctx
				if t.Call > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, t.Call)
					defer cancel()
				}
				out, md, err := next.HandleInitialize(ctx, in)
				if err == nil || parent.Err() != nil {
					// The caller cancelled or its own deadline passed:
					// that is the caller's story to tell.
					return out, md, err
				}
				if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
					ep := endpointOf(err)
					if ep == "" {
						ep = endpoint
					}
					return out, md, &TimeoutError{Connect: isConnectTimeout(err), Endpoint: ep, Err: err}
				}
				return out, md, err
			}), middleware.Before)
	}
}
