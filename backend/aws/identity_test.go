package aws

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// awsStandIn answers like a local stand-in for AWS on one endpoint: Secrets
// Manager's JSON 1.1 requests go to sm, STS's query-protocol requests (form
// posts with Action=…) to sts, CloudTrail's JSON requests to trail. A nil
// handler answers the way secretary serve does for a service it does not
// speak.
type awsStandIn struct {
	sm, sts, trail http.HandlerFunc
	stsCalls       atomic.Int32
	trailCalls     atomic.Int32
}

func (a *awsStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	var h http.HandlerFunc
	switch {
	case strings.HasPrefix(target, "secretsmanager."):
		h = a.sm
	case strings.HasPrefix(target, "CloudTrail_20131101."):
		a.trailCalls.Add(1)
		h = a.trail
	case target == "":
		a.stsCalls.Add(1)
		h = a.sts
	}
	if h == nil {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"__type":"UnknownOperationException","message":"unknown operation"}`)
		return
	}
	h(w, r)
}

// standIn starts the stand-in and points every service at it through
// AWS_ENDPOINT_URL, as an operator would for LocalStack.
func standIn(t *testing.T, a *awsStandIn) *Backend {
	t.Helper()
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	for _, k := range []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CLOUDTRAIL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	b, err := New(context.Background(), testConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func stsXML(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") != "GetCallerIdentity" {
			http.Error(w, "unexpected action "+r.Form.Get("Action"), 400)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestIdentityNamesAccountAndARN(t *testing.T) {
	a := &awsStandIn{sts: stsXML(200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/Ops/alice</Arn><UserId>AROAEXAMPLE:alice</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)}
	b := standIn(t, a)
	acct, arn, err := b.Identity(context.Background())
	if err != nil || acct != "123456789012" || arn != "arn:aws:sts::123456789012:assumed-role/Ops/alice" {
		t.Fatalf("Identity = %q, %q, %v", acct, arn, err)
	}
	if got := b.Info().Account; got != "123456789012" {
		t.Errorf("Info().Account = %q", got)
	}
}

func TestIdentityExpiredTokenIsACredentialsProblem(t *testing.T) {
	a := &awsStandIn{sts: stsXML(403, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error>
<RequestId>2</RequestId></ErrorResponse>`)}
	b := standIn(t, a)
	acct, _, err := b.Identity(context.Background())
	var ce *CredentialsError
	if acct != "" || !errors.As(err, &ce) {
		t.Fatalf("Identity = %q, %v; want a credentials error", acct, err)
	}
	if !ce.Expired() {
		t.Errorf("Expired() = false for %v", err)
	}
	if got := a.stsCalls.Load(); got != 1 {
		t.Errorf("STS calls = %d, want 1 (no retries for decoration)", got)
	}
}

// A stand-in that does not speak STS (secretary serve) gives an error that
// is not about credentials, and Secrets Manager still works.
func TestIdentityOnAStandInWithoutSTS(t *testing.T) {
	a := &awsStandIn{sm: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"SecretList":[]}`)
	}}
	b := standIn(t, a)
	acct, arn, err := b.Identity(context.Background())
	var ce *CredentialsError
	if err == nil || errors.As(err, &ce) || acct != "" || arn != "" {
		t.Fatalf("Identity = %q, %q, %v; want an STS error that is not about credentials", acct, arn, err)
	}
	if _, err := b.ListSecrets(context.Background(), &backend.ListSecretsInput{}); err != nil {
		t.Fatalf("ListSecrets: %v", err)
	}
}

// With STS down, the error names STS and its endpoint variable, not
// Secrets Manager.
func TestIdentityUnreachableNamesSTS(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_CLOUDTRAIL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL_STS", url)
	b, err := New(context.Background(), testConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, _, err = b.Identity(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot reach AWS STS: connection refused") ||
		!strings.Contains(err.Error(), "AWS_ENDPOINT_URL_STS") || strings.Contains(err.Error(), "Secrets Manager") {
		t.Fatalf("Identity with STS down: %v", err)
	}
}

func TestCredentialsErrorExpired(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("failed to refresh cached credentials, no EC2 IMDS role found"), false},
		{errors.New("refresh cached SSO token failed: the SSO session has expired or is invalid"), true},
	} {
		if got := (&CredentialsError{Err: tc.err}).Expired(); got != tc.want {
			t.Errorf("Expired(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
