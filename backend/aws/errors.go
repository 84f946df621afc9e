package aws

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/secretary-sh/secretary/backend"
)

// mapError turns an SDK error into the contract's *backend.Error, keeping
// AWS's exception name and message. Errors that carry no exception name
// (cancelled contexts, missing credentials, unreachable endpoints) keep their
// type so callers can still match them, with a message an operator can act on.
func mapError(err error) error {
	return mapServiceError("Secrets Manager", "AWS_ENDPOINT_URL_SECRETS_MANAGER", err)
}

// mapServiceError is mapError for a call to service, whose own endpoint
// variable is endpointEnv: an operator told "cannot reach Secrets Manager"
// when STS was the one down would look in the wrong place.
func mapServiceError(service, endpointEnv string, err error) error {
	if err == nil {
		return nil
	}
	var ce *CredentialsError
	if errors.As(err, &ce) {
		return ce
	}
	var te *TimeoutError
	if errors.As(err, &te) {
		return te
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var apiErr smithy.APIError
	named := errors.As(err, &apiErr) && apiErr.ErrorCode() != "UnknownError"
	var re *awshttp.ResponseError
	if !named && errors.As(err, &re) && re.HTTPStatusCode() >= 300 {
		// A response without an exception name (a proxy's or a wrong
		// path's 404 page): the HTTP status is all there is, and the
		// AWS CLI names it so, "(404)", not "UnknownError: UnknownError".
		status := re.HTTPStatusCode()
		return &backend.Error{Code: strconv.Itoa(status), Message: http.StatusText(status)}
	}
	if errors.As(err, &apiErr) {
		msg := apiErr.ErrorMessage()
		var maxErr *retry.MaxAttemptsError
		if errors.As(err, &maxErr) {
			msg = fmt.Sprintf("%s (gave up after %d attempts)", msg, maxErr.Attempt)
		}
		return &backend.Error{Code: apiErr.ErrorCode(), Message: msg}
	}
	if ce := certificateError(err); ce != nil {
		return ce
	}
	if plainHTTP(err) {
		return &plainHTTPError{endpoint: endpointOf(err), env: endpointEnv, err: err}
	}
	if isConnRefused(err) {
		return fmt.Errorf("cannot reach %s: connection refused (check --endpoint-url / %s / AWS_ENDPOINT_URL): %w", service, endpointEnv, err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return fmt.Errorf("cannot reach %s: %w", service, err)
	}
	return err
}

func isConnRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// CertificateError means the endpoint's TLS certificate was not accepted
// (unknown authority, a name the certificate does not cover, expired). No
// retry can fix that, so it is reported at once, naming the endpoint and
// what the operator can change.
type CertificateError struct {
	// Endpoint is the scheme and host the client talked to, or empty when
	// the SDK did not say.
	Endpoint string
	// Reason is the verification failure (an x509 error).
	Reason error
	// Err is the whole SDK error, for errors.As and errors.Is.
	Err error
}

func (e *CertificateError) Error() string {
	endpoint := e.Endpoint
	if endpoint == "" {
		endpoint = "the endpoint"
	}
	var hint string
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(e.Reason, &host):
		hint = "check --endpoint-url / AWS_ENDPOINT_URL: the certificate is for another host name"
	case errors.As(e.Reason, &invalid) && invalid.Reason == x509.Expired:
		hint = "the server's certificate must be renewed (or this host's clock is wrong); check --endpoint-url / AWS_ENDPOINT_URL"
	default:
		hint = "set AWS_CA_BUNDLE to the CA certificate that signed it, or check --endpoint-url / AWS_ENDPOINT_URL"
	}
	return fmt.Sprintf("TLS certificate of %s is not trusted: %v — %s", endpoint, e.Reason, hint)
}

func (e *CertificateError) Unwrap() error { return e.Err }

// certificateError returns a *CertificateError when err is a failed
// verification of the server's certificate, and nil otherwise.
func certificateError(err error) *CertificateError {
	var ce *CertificateError
	if errors.As(err, &ce) {
		return ce
	}
	reason := certificateReason(err)
	if reason == nil {
		return nil
	}
	return &CertificateError{Reason: reason, Err: err, Endpoint: endpointOf(err)}
}

// endpointOf returns the scheme and host a failed request went to, or "".
// The path and query say nothing useful about a connection's failure.
func endpointOf(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		if u, perr := url.Parse(urlErr.URL); perr == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	return ""
}

// plainHTTP reports whether an https:// request reached a server that
// answered in plain HTTP: net/http says so with ErrSchemeMismatch, or
// crypto/tls with a record header that is not TLS.
func plainHTTP(err error) bool {
	var rec tls.RecordHeaderError
	return errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &rec)
}

// plainHTTPError is an https:// endpoint that speaks plain HTTP (secretary
// serve without TLS, say). It answers the same on every attempt, so it is
// not retried.
type plainHTTPError struct {
	endpoint, env string
	err           error
}

func (e *plainHTTPError) Error() string {
	endpoint := e.endpoint
	if endpoint == "" {
		endpoint = "the endpoint"
	}
	return fmt.Sprintf("%s answered in plain HTTP, not TLS: use http:// in --endpoint-url (or %s / AWS_ENDPOINT_URL), or serve it with TLS", endpoint, e.env)
}

func (e *plainHTTPError) Unwrap() error { return e.err }

// certificateReason digs the x509 failure out of err. crypto/tls wraps it
// in a *tls.CertificateVerificationError; a custom VerifyPeerCertificate
// may return the x509 error bare.
func certificateReason(err error) error {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return verr.Err
	}
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return unknown
	case errors.As(err, &host):
		return host
	case errors.As(err, &invalid):
		return invalid
	}
	return nil
}
