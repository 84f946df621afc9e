package aws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
)

// fakeService answers Secrets Manager JSON 1.1 requests with a function of
// the operation and attempt number, and records what it received.
type fakeService struct {
	mu       sync.Mutex
	requests []recorded
	respond  func(op string, n int, body map[string]any) (status int, resp any)
}

type recorded struct {
	op     string
	body   map[string]any
	header http.Header
}

func (f *fakeService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "secretsmanager.")
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{op: op, body: body, header: r.Header.Clone()})
	n := 0
	for _, q := range f.requests {
		if q.op == op {
			n++
		}
	}
	f.mu.Unlock()
	status, resp := f.respond(op, n, body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeService) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, q := range f.requests {
		if q.op == op {
			n++
		}
	}
	return n
}

func apiError(code, msg string) map[string]string {
	return map[string]string{"__type": code, "message": msg}
}

func testConfig(endpoint string) Config {
	return Config{
		Region:            "eu-west-1",
		EndpointURL:       endpoint,
		Credentials:       credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		MaxAttempts:       4,
		MaxBackoff:        5 * time.Millisecond,
		CredentialTimeout: 2 * time.Second,
	}
}

func newFake(t *testing.T, respond func(op string, n int, body map[string]any) (int, any)) (*fakeService, *Backend) {
	t.Helper()
	f := &fakeService{respond: respond}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	b, err := New(context.Background(), testConfig(srv.URL))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return f, b
}

func TestThrottlingIsRetriedUntilSuccess(t *testing.T) {
	f, b := newFake(t, func(op string, n int, _ map[string]any) (int, any) {
		if n <= 2 {
			return 400, apiError("ThrottlingException", "Rate exceeded")
		}
		return 200, map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf", "Name": "app",
			"VersionId": "v1", "SecretString": "s3cr3t", "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1700000000.5}
	})
	v, err := b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "app"})
	if err != nil {
		t.Fatalf("GetSecretValue after two throttles: %v", err)
	}
	if got := f.count("GetSecretValue"); got != 3 {
		t.Errorf("attempts = %d, want 3 (two throttled, one success)", got)
	}
	if v.SecretString == nil || *v.SecretString != "s3cr3t" || v.VersionID != "v1" {
		t.Errorf("value = %+v", v)
	}
	if want := time.Unix(1700000000, 500e6); !v.CreatedDate.Equal(want) {
		t.Errorf("CreatedDate = %v, want %v", v.CreatedDate, want)
	}
}

func TestThrottlingForeverGivesUpWithClearError(t *testing.T) {
	f, b := newFake(t, func(string, int, map[string]any) (int, any) {
		return 400, apiError("ThrottlingException", "Rate exceeded")
	})
	_, err := b.DescribeSecret(context.Background(), "app")
	if !errors.Is(err, backend.ErrThrottling) {
		t.Fatalf("err = %v, want ThrottlingException", err)
	}
	if msg := backend.Message(err); !strings.Contains(msg, "Rate exceeded") || !strings.Contains(msg, "gave up after 4 attempts") {
		t.Errorf("message = %q, want the service's message and the attempt count", msg)
	}
	if got := f.count("DescribeSecret"); got != 4 {
		t.Errorf("attempts = %d, want MaxAttempts = 4", got)
	}
}

func TestAccessDeniedIsMappedAndNotRetried(t *testing.T) {
	const msg = "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: secretsmanager:DescribeSecret"
	f, b := newFake(t, func(string, int, map[string]any) (int, any) {
		return 400, apiError("AccessDeniedException", msg)
	})
	_, err := b.DescribeSecret(context.Background(), "app")
	if !errors.Is(err, backend.ErrAccessDenied) {
		t.Fatalf("err = %v, want AccessDeniedException", err)
	}
	if backend.Message(err) != msg {
		t.Errorf("message = %q, want AWS's message kept", backend.Message(err))
	}
	if got := f.count("DescribeSecret"); got != 1 {
		t.Errorf("attempts = %d, want 1", got)
	}
}

func TestServiceErrorsKeepTheirExceptionName(t *testing.T) {
	_, b := newFake(t, func(op string, _ int, _ map[string]any) (int, any) {
		return 400, apiError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
	})
	_, err := b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "nope"})
	if !errors.Is(err, backend.ErrResourceNotFound) || backend.Message(err) != "Secrets Manager can't find the specified secret." {
		t.Fatalf("err = %v", err)
	}
}

// countingTransport counts round trips so a test can tell whether the SDK
// retried.
type countingTransport struct {
	n    atomic.Int32
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestDeadEndpointFailsAtOnceWithClearError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connections are refused

	// A plain *http.Client cannot take a custom CA bundle; this test
	// talks plain HTTP, so none is needed.
	t.Setenv("AWS_CA_BUNDLE", "")
	tr := &countingTransport{base: http.DefaultTransport}
	cfg := testConfig("http://" + addr)
	cfg.HTTPClient = &http.Client{Transport: tr}
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.ListSecrets(context.Background(), &backend.ListSecretsInput{})
	if err == nil {
		t.Fatal("ListSecrets against a dead endpoint succeeded")
	}
	if !strings.Contains(err.Error(), "cannot reach Secrets Manager") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error = %q, want it to say the endpoint cannot be reached", err)
	}
	if n := tr.n.Load(); n != 1 {
		t.Errorf("round trips = %d, want 1: a refused connection is not worth retrying", n)
	}
}

// blockingProvider stands in for a credential source that never answers
// (an unreachable instance-metadata service): it returns only when its
// context ends, and records that it was asked.
type blockingProvider struct{ calls atomic.Int32 }

func (p *blockingProvider) Retrieve(ctx context.Context) (awssdk.Credentials, error) {
	p.calls.Add(1)
	<-ctx.Done()
	return awssdk.Credentials{}, ctx.Err()
}

func TestSlowCredentialsNeverBlockNewAndBoundTheFirstCall(t *testing.T) {
	f := &fakeService{respond: func(string, int, map[string]any) (int, any) { return 200, map[string]any{} }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	prov := &blockingProvider{}
	cfg := testConfig(srv.URL)
	cfg.Credentials = prov
	cfg.CredentialTimeout = 200 * time.Millisecond

	type result struct {
		b   *Backend
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := New(context.Background(), cfg)
		done <- result{b, err}
	}()
	var b *Backend
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		b = r.b
	case <-time.After(5 * time.Second):
		t.Fatal("New waited on a credential provider that never answers")
	}
	defer b.Close()
	if info := b.Info(); info.Kind != "aws" || info.Region != "eu-west-1" || info.Account != "" {
		t.Errorf("Info = %+v", info)
	}

	_, err := b.DescribeSecret(context.Background(), "app")
	var ce *CredentialsError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *CredentialsError", err)
	}
	if !strings.Contains(err.Error(), "no AWS credentials found") {
		t.Errorf("message = %q", err)
	}
	if f.count("DescribeSecret") != 0 {
		t.Error("a request went out without credentials")
	}
	if _, _, err := b.Identity(context.Background()); !errors.As(err, &ce) {
		t.Errorf("Identity err = %v, want the credentials error", err)
	}
}

func TestNoCredentialsOnHostGivesClearMessage(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", dir)
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	// No instance metadata here; disabling the probe keeps the test from
	// depending on the network while exercising the same failure path.
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	f := &fakeService{respond: func(string, int, map[string]any) (int, any) { return 200, map[string]any{} }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	b, err := New(context.Background(), Config{Region: "us-east-1", EndpointURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = b.ListSecrets(context.Background(), &backend.ListSecretsInput{})
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials found: set AWS_PROFILE") {
		t.Fatalf("err = %v, want the no-credentials message", err)
	}
	if f.count("ListSecrets") != 0 {
		t.Error("an unsigned request went out")
	}
}

func TestMissingRegionIsAClearError(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	_, err := New(context.Background(), Config{})
	if err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Fatalf("err = %v, want a missing-region error", err)
	}
}

func TestStreamSecretsFollowsPagesOfOneHundred(t *testing.T) {
	f, b := newFake(t, func(op string, n int, body map[string]any) (int, any) {
		entries := []map[string]any{{"Name": "s" + string(rune('0'+n)), "ARN": "arn", "CreatedDate": 1700000000}}
		resp := map[string]any{"SecretList": entries}
		if n < 3 {
			resp["NextToken"] = "tok" + string(rune('0'+n))
		}
		return 200, resp
	})
	var names []string
	err := b.StreamSecrets(context.Background(), &backend.ListSecretsInput{
		Filters: []backend.Filter{{Key: "name", Values: []string{"prod/"}}}, SortOrder: "asc",
	}, func(page []backend.SecretMetadata) error {
		for _, m := range page {
			names = append(names, m.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "s1,s2,s3" {
		t.Errorf("names = %v", names)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.requests {
		if r.body["MaxResults"] != float64(100) {
			t.Errorf("request %d MaxResults = %v, want 100", i, r.body["MaxResults"])
		}
		if i > 0 && r.body["NextToken"] != "tok"+string(rune('0'+i)) {
			t.Errorf("request %d NextToken = %v", i, r.body["NextToken"])
		}
		if fl, _ := r.body["Filters"].([]any); len(fl) != 1 {
			t.Errorf("request %d filters = %v", i, r.body["Filters"])
		}
		if !strings.HasPrefix(r.header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
			t.Errorf("request %d not signed: %q", i, r.header.Get("Authorization"))
		}
	}
}

// TestStreamSecretsStartsAtNextToken: a stream given a NextToken goes on
// from it, so a first page the console showed is not listed twice.
func TestStreamSecretsStartsAtNextToken(t *testing.T) {
	f, b := newFake(t, func(op string, n int, body map[string]any) (int, any) {
		return 200, map[string]any{"SecretList": []map[string]any{{"Name": "s2", "ARN": "arn", "CreatedDate": 1700000000}}}
	})
	var names []string
	err := b.StreamSecrets(context.Background(), &backend.ListSecretsInput{NextToken: "tok1"}, func(page []backend.SecretMetadata) error {
		for _, m := range page {
			names = append(names, m.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "s2" {
		t.Errorf("names = %v", names)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) != 1 || f.requests[0].body["NextToken"] != "tok1" {
		t.Errorf("requests = %+v, want one with NextToken tok1", f.requests)
	}
}

func TestQuotaErrorsAreNotRetried(t *testing.T) {
	f, b := newFake(t, func(string, int, map[string]any) (int, any) {
		return 400, apiError("LimitExceededException", "You can attach at most 20 staging labels to a version.")
	})
	_, err := b.UpdateSecretVersionStage(context.Background(), &backend.UpdateSecretVersionStageInput{SecretID: "app", VersionStage: "L21", MoveToVersionID: "v2"})
	if !errors.Is(err, backend.ErrLimitExceeded) {
		t.Fatalf("err = %v, want LimitExceededException", err)
	}
	if got := f.count("UpdateSecretVersionStage"); got != 1 {
		t.Errorf("attempts = %d, want 1: a quota does not lift by waiting", got)
	}
}

func TestProfileRegionAndEndpointFromEnvironment(t *testing.T) {
	f := &fakeService{respond: func(string, int, map[string]any) (int, any) {
		return 200, map[string]any{"SecretList": []any{}}
	}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("[profile ops]\nregion = ap-south-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte("[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = opssecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_PROFILE", "ops")
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)

	b, err := New(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if info := b.Info(); info.Location != "ops" || info.Region != "ap-south-1" || info.Kind != "aws" {
		t.Errorf("Info = %+v, want profile ops in ap-south-1", info)
	}
	if _, err := b.ListSecrets(context.Background(), &backend.ListSecretsInput{}); err != nil {
		t.Fatalf("ListSecrets through AWS_ENDPOINT_URL_SECRETS_MANAGER: %v", err)
	}
	f.mu.Lock()
	authz := f.requests[0].header.Get("Authorization")
	f.mu.Unlock()
	if !strings.Contains(authz, "Credential=AKIDOPS/") || !strings.Contains(authz, "/ap-south-1/secretsmanager/aws4_request") {
		t.Errorf("Authorization = %q, want the ops profile's key scoped to ap-south-1", authz)
	}
	// With the endpoint overridden, STS would describe some other account:
	// the status bar shows none rather than a wrong one.
	if acct, _, err := b.Identity(context.Background()); err != nil || acct != "" {
		t.Errorf("Identity = %q, %v; want no account and no error", acct, err)
	}
}

func TestAccountComesFromSTSInTheBackground(t *testing.T) {
	var stsCalls atomic.Int32
	stsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stsCalls.Add(1)
		_ = r.ParseForm()
		if r.Form.Get("Action") != "GetCallerIdentity" {
			http.Error(w, "unexpected action", 400)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/ops</Arn><UserId>AIDAEXAMPLE</UserId><Account>210987654321</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>0f6f4f6c-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}))
	defer stsSrv.Close()
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "")
	t.Setenv("AWS_ENDPOINT_URL_STS", stsSrv.URL)
	cfg := testConfig("")
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	acct, arn, err := b.Identity(context.Background())
	if err != nil || acct != "210987654321" || arn != "arn:aws:iam::210987654321:user/ops" {
		t.Fatalf("Identity = %q, %q, %v", acct, arn, err)
	}
	if got := b.Info().Account; got != "210987654321" {
		t.Errorf("Info().Account = %q after identity resolved", got)
	}
	if stsCalls.Load() != 1 {
		t.Errorf("STS calls = %d, want 1", stsCalls.Load())
	}
}

func TestReadOnlyRefusesChangesWithoutARequest(t *testing.T) {
	f := &fakeService{respond: func(string, int, map[string]any) (int, any) { return 200, map[string]any{} }}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.ReadOnly = true
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	v := "x"
	ctx := context.Background()
	errs := map[string]error{}
	_, errs["CreateSecret"] = b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "n", SecretString: &v})
	_, errs["PutSecretValue"] = b.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "n", SecretString: &v})
	_, errs["DeleteSecret"] = b.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: "n"})
	errs["TagResource"] = b.TagResource(ctx, &backend.TagResourceInput{SecretID: "n"})
	_, errs["UpdateSecretVersionStage"] = b.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{SecretID: "n", VersionStage: "AWSCURRENT"})
	for op, err := range errs {
		if !errors.Is(err, backend.ErrInvalidRequest) {
			t.Errorf("%s on a read-only backend: %v", op, err)
		}
	}
	if _, err := b.DescribeSecret(ctx, "n"); err != nil {
		t.Errorf("DescribeSecret on a read-only backend: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.requests) != 1 || f.requests[0].op != "DescribeSecret" {
		t.Errorf("requests sent: %+v, want only DescribeSecret", f.requests)
	}
	if !b.Info().ReadOnly {
		t.Error("Info().ReadOnly = false")
	}
}
