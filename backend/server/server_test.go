package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/secretary-sh/secretary/backend"
	awsbackend "github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/wire"
)

// staticKeys is a key store of fixed keys for the protocol tests; the
// embedded store's real key table is exercised by the end-to-end tests.
type staticKeys map[string]string

func (k staticKeys) SecretKey(_ context.Context, id string) ([]byte, error) {
	s, ok := k[id]
	if !ok {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "no access key %s", id)
	}
	return []byte(s), nil
}

// brokenKeys fails as a key store whose database went away would.
type brokenKeys struct{}

func (brokenKeys) SecretKey(context.Context, string) ([]byte, error) {
	return nil, errors.New("disk I/O error at /var/lib/secretary/store.db")
}

// recordingBackend answers DescribeSecret and GetSecretValue from fixed data
// and records the actor each call carried. Everything else is not needed by
// these tests and panics through the nil embedded interface.
type recordingBackend struct {
	backend.Backend
	mu     sync.Mutex
	actors []string
	fail   error
}

func (r *recordingBackend) DescribeSecret(ctx context.Context, id string) (*backend.SecretMetadata, error) {
	r.mu.Lock()
	r.actors = append(r.actors, backend.Actor(ctx))
	r.mu.Unlock()
	if r.fail != nil {
		return nil, r.fail
	}
	if id != "app/db" {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "Secrets Manager can't find the specified secret.")
	}
	return &backend.SecretMetadata{
		ARN: "arn:aws:secretsmanager:local:000000000000:secret:app/db-AbCdEf", Name: "app/db",
		CreatedDate:        time.Unix(1700000000, 123456789),
		Tags:               []backend.Tag{{Key: "env", Value: "prod"}},
		VersionIdsToStages: map[string][]string{"v1": {"AWSCURRENT"}},
	}, nil
}

func (r *recordingBackend) GetSecretValue(ctx context.Context, in *backend.GetSecretValueInput) (*backend.SecretValue, error) {
	return &backend.SecretValue{ARN: "arn", Name: in.SecretID, VersionID: "v1", SecretBinary: []byte{0, 1, 2, 255}, VersionStages: []string{"AWSCURRENT"}}, nil
}

const (
	testKeyID  = "SCRTTESTKEY0000000001"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func startServer(t testing.TB, b backend.Backend, keys AccessKeys, now func() time.Time) *httptest.Server {
	t.Helper()
	h, err := New(b, Options{Keys: keys, Now: now, MaxBodyBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func sdkClient(t *testing.T, endpoint, id, secret string) *awsbackend.Backend {
	t.Helper()
	return sdkClientIn(t, endpoint, DefaultRegion, id, secret)
}

func sdkClientIn(t *testing.T, endpoint, region, id, secret string) *awsbackend.Backend {
	t.Helper()
	b, err := awsbackend.New(context.Background(), awsbackend.Config{
		Region: region, EndpointURL: endpoint, MaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestSDKSignatureIsAcceptedAndKeyBecomesActor(t *testing.T) {
	rb := &recordingBackend{}
	srv := startServer(t, rb, staticKeys{testKeyID: testSecret}, nil)
	c := sdkClient(t, srv.URL, testKeyID, testSecret)
	m, err := c.DescribeSecret(context.Background(), "app/db")
	if err != nil {
		t.Fatalf("DescribeSecret signed by the SDK: %v", err)
	}
	if m.Name != "app/db" || len(m.Tags) != 1 || m.Tags[0].Value != "prod" || m.VersionIdsToStages["v1"][0] != "AWSCURRENT" {
		t.Errorf("metadata = %+v", m)
	}
	// The wire carries milliseconds, as AWS does.
	if want := time.Unix(1700000000, 123000000); !m.CreatedDate.Equal(want) {
		t.Errorf("CreatedDate = %v, want %v", m.CreatedDate, want)
	}
	if len(rb.actors) != 1 || rb.actors[0] != testKeyID {
		t.Errorf("actors = %v, want [%s]", rb.actors, testKeyID)
	}
	v, err := c.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "bin"})
	if err != nil || !bytes.Equal(v.SecretBinary, []byte{0, 1, 2, 255}) || v.SecretString != nil {
		t.Errorf("binary value = %+v, %v", v, err)
	}
	_, err = c.DescribeSecret(context.Background(), "missing")
	if !errors.Is(err, backend.ErrResourceNotFound) || backend.Message(err) != "Secrets Manager can't find the specified secret." {
		t.Errorf("missing secret err = %v", err)
	}
}

func TestAuthenticationFailures(t *testing.T) {
	rb := &recordingBackend{}
	srv := startServer(t, rb, staticKeys{testKeyID: testSecret}, nil)

	t.Run("unknown key", func(t *testing.T) {
		_, err := sdkClient(t, srv.URL, "SCRTNOSUCHKEY", testSecret).DescribeSecret(context.Background(), "app/db")
		if backend.Code(err) != backend.CodeUnrecognizedClient || backend.Message(err) != msgUnknownKey {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		_, err := sdkClient(t, srv.URL, testKeyID, "not-the-secret").DescribeSecret(context.Background(), "app/db")
		if backend.Code(err) != backend.CodeInvalidSignature || backend.Message(err) != msgBadSignature {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unsigned", func(t *testing.T) {
		status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`, nil)
		if status != 400 || typ != backend.CodeMissingAuthToken || msg != "Missing Authentication Token" {
			t.Fatalf("got %d %s %q", status, typ, msg)
		}
	})
	t.Run("malformed authorization", func(t *testing.T) {
		status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{}`, func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testKeyID+"/20240101/us-east-1/secretsmanager/aws4_request")
			r.Header.Set("X-Amz-Date", time.Now().UTC().Format(amzDateFmt))
		})
		if status != 400 || typ != backend.CodeIncompleteSignature || !strings.Contains(msg, "'Signature'") || !strings.Contains(msg, "'SignedHeaders'") {
			t.Fatalf("got %d %s %q", status, typ, msg)
		}
	})
	t.Run("other service", func(t *testing.T) {
		status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{}`, signWith(testKeyID, testSecret, "s3", time.Now()))
		if status != 400 || typ != backend.CodeInvalidSignature || !strings.Contains(msg, "'secretsmanager'") {
			t.Fatalf("got %d %s %q", status, typ, msg)
		}
	})
	t.Run("tampered body", func(t *testing.T) {
		sign := signWith(testKeyID, testSecret, "secretsmanager", time.Now())
		status, typ, _ := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`, func(r *http.Request) {
			sign(r)
			r.Body = io.NopCloser(strings.NewReader(`{"SecretId":"app/dc"}`))
		})
		if status != 400 || typ != backend.CodeInvalidSignature {
			t.Fatalf("got %d %s", status, typ)
		}
	})
	t.Run("session token", func(t *testing.T) {
		status, typ, _ := rawCall(t, srv.URL, "DescribeSecret", `{}`, func(r *http.Request) {
			r.Header.Set("X-Amz-Security-Token", "FwoGZXIvYXdzE")
			signWith(testKeyID, testSecret, "secretsmanager", time.Now())(r)
		})
		if status != 400 || typ != backend.CodeUnrecognizedClient {
			t.Fatalf("got %d %s", status, typ)
		}
	})
	if len(rb.actors) != 0 {
		t.Errorf("the backend was called %d times by unauthenticated requests", len(rb.actors))
	}
}

func TestClockSkew(t *testing.T) {
	rb := &recordingBackend{}
	offset := 0 * time.Minute
	srv := startServer(t, rb, staticKeys{testKeyID: testSecret}, func() time.Time { return time.Now().Add(offset) })
	expired := regexp.MustCompile(`^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$`)
	notYet := regexp.MustCompile(`^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$`)

	offset = 6 * time.Minute // the client's clock is 6 minutes behind
	_, err := sdkClient(t, srv.URL, testKeyID, testSecret).DescribeSecret(context.Background(), "app/db")
	if backend.Code(err) != backend.CodeInvalidSignature || !expired.MatchString(backend.Message(err)) {
		t.Errorf("6 min behind: err = %v", err)
	}
	offset = -6 * time.Minute // 6 minutes ahead
	_, err = sdkClient(t, srv.URL, testKeyID, testSecret).DescribeSecret(context.Background(), "app/db")
	if backend.Code(err) != backend.CodeInvalidSignature || !notYet.MatchString(backend.Message(err)) {
		t.Errorf("6 min ahead: err = %v", err)
	}
	offset = 4 * time.Minute // within the allowed skew
	if _, err := sdkClient(t, srv.URL, testKeyID, testSecret).DescribeSecret(context.Background(), "app/db"); err != nil {
		t.Errorf("4 min skew refused: %v", err)
	}
}

func TestQueryStringIsPartOfTheSignature(t *testing.T) {
	srv := startServer(t, &recordingBackend{}, staticKeys{testKeyID: testSecret}, nil)
	sign := signWith(testKeyID, testSecret, "secretsmanager", time.Now())
	status, typ, _ := rawCallURL(t, srv.URL+"/?b=2&a=1&a=0&sp=x%20y", "DescribeSecret", `{"SecretId":"app/db"}`, sign)
	if status != 200 {
		t.Fatalf("signed query string refused: %d %s", status, typ)
	}
	status, typ, _ = rawCallURL(t, srv.URL+"/?b=2", "DescribeSecret", `{"SecretId":"app/db"}`, func(r *http.Request) {
		sign(r)
		r.URL.RawQuery = "b=3"
	})
	if status != 400 || typ != backend.CodeInvalidSignature {
		t.Fatalf("altered query string accepted: %d %s", status, typ)
	}
}

func TestProtocolErrors(t *testing.T) {
	rb := &recordingBackend{}
	srv := startServer(t, rb, staticKeys{testKeyID: testSecret}, nil)
	sign := signWith(testKeyID, testSecret, "secretsmanager", time.Now())
	cases := []struct {
		name, op, body string
		status         int
		typ, msg       string
	}{
		{"malformed JSON", "DescribeSecret", `{"SecretId":`, 400, "SerializationException", "malformed JSON"},
		{"wrong member type", "DescribeSecret", `{"SecretId":5}`, 400, "SerializationException", "member SecretId must be of type string"},
		{"bad base64", "PutSecretValue", `{"SecretId":"a","SecretBinary":"***"}`, 400, "SerializationException", "base64"},
		{"missing required member", "DescribeSecret", `{}`, 400, backend.CodeValidation, "Value null at 'secretId'"},
		{"unknown operation", "DropAllTables", `{}`, 400, "UnknownOperationException", "DropAllTables"},
		{"replication", "ReplicateSecretToRegions", `{"SecretId":"a"}`, 400, backend.CodeInvalidRequest, "replicate"},
		{"rotation unsupported", "RotateSecret", `{"SecretId":"a"}`, 400, backend.CodeInvalidRequest, "does not support rotation"},
		{"policies unsupported", "GetResourcePolicy", `{"SecretId":"a"}`, 400, backend.CodeInvalidRequest, "resource policies"},
		{"too large", "DescribeSecret", `{"SecretId":"` + strings.Repeat("x", 5000) + `"}`, 413, "SerializationException", "exceeds 4096 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, typ, msg := rawCall(t, srv.URL, c.op, c.body, sign)
			if status != c.status || typ != c.typ || !strings.Contains(msg, c.msg) {
				t.Errorf("got %d %s %q, want %d %s containing %q", status, typ, msg, c.status, c.typ, c.msg)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status = %d", resp.StatusCode)
		}
	})
}

func TestInternalErrorsHideDetails(t *testing.T) {
	rb := &recordingBackend{fail: errors.New("open /srv/secretary/store.db: permission denied")}
	srv := startServer(t, rb, staticKeys{testKeyID: testSecret}, nil)
	status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
	if status != 500 || typ != backend.CodeInternalServiceError || strings.Contains(msg, "/srv") || !strings.Contains(msg, "request ") {
		t.Errorf("got %d %s %q", status, typ, msg)
	}
	srv2 := startServer(t, rb, brokenKeys{}, nil)
	status, typ, msg = rawCall(t, srv2.URL, "DescribeSecret", `{"SecretId":"app/db"}`, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
	if status != 500 || typ != backend.CodeInternalServiceError || strings.Contains(msg, "/var") {
		t.Errorf("key store failure: got %d %s %q", status, typ, msg)
	}
}

func TestSerializationErrorsNeverEchoValues(t *testing.T) {
	srv := startServer(t, &recordingBackend{}, staticKeys{testKeyID: testSecret}, nil)
	const marker = "hunter2-very-secret"
	for _, body := range []string{
		`{"SecretId":"a","SecretString":"` + marker + `",}`,
		`{"SecretId":"a","SecretString":["` + marker + `"]}`,
		`{"SecretId":"a","SecretBinary":"` + marker + `!"}`,
	} {
		_, _, msg := rawCall(t, srv.URL, "PutSecretValue", body, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
		if strings.Contains(msg, marker) || strings.Contains(msg, "hunter") {
			t.Errorf("error message %q echoes the value", msg)
		}
	}
}

// signWith signs a request with the SDK's own SigV4 signer, as any AWS
// client would.
func signWith(id, secret, service string, at time.Time) func(r *http.Request) {
	return func(r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		creds := awssdk.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "local", at); err != nil {
			panic(err)
		}
	}
}

func rawCall(t *testing.T, url, op, body string, prepare func(*http.Request)) (int, string, string) {
	return rawCallURL(t, url+"/", op, body, prepare)
}

func rawCallURL(t *testing.T, url, op, body string, prepare func(*http.Request)) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", "secretsmanager."+op)
	if prepare != nil {
		prepare(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e wire.ErrorResponse
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &e)
	return resp.StatusCode, e.Type, e.Message
}

// signExcept signs a request as the SDK does but without the named
// headers, which are set only after signing: a client (or a man in the
// middle) sending headers outside SignedHeaders.
func signExcept(id, secret string, unsigned map[string]string) func(r *http.Request) {
	return func(r *http.Request) {
		for k := range unsigned {
			r.Header.Del(k)
		}
		signWith(id, secret, "secretsmanager", time.Now())(r)
		for k, v := range unsigned {
			r.Header.Set(k, v)
		}
	}
}

func TestUnsignedAmzHeadersAreRefused(t *testing.T) {
	rb := &recordingBackend{}
	srv := startServer(t, rb, staticKeys{testKeyID: testSecret}, nil)
	// Signed over host;x-amz-date only, the target can be swapped: a
	// DescribeSecret becomes a GetSecretValue that returns the value.
	status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`,
		signExcept(testKeyID, testSecret, map[string]string{"X-Amz-Target": "secretsmanager.GetSecretValue"}))
	if status != 400 || typ != backend.CodeInvalidSignature || msg != "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization." {
		t.Errorf("unsigned X-Amz-Target: got %d %s %q", status, typ, msg)
	}
	status, typ, msg = rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`,
		signExcept(testKeyID, testSecret, map[string]string{"X-Amz-Meta-Extra": "1"}))
	if status != 400 || typ != backend.CodeInvalidSignature || !strings.Contains(msg, "'X-Amz-Meta-Extra' must be a 'SignedHeader'") {
		t.Errorf("unsigned x-amz-* header: got %d %s %q", status, typ, msg)
	}
	// Headers outside x-amz-* need not be signed, as with AWS.
	status, typ, _ = rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`,
		signExcept(testKeyID, testSecret, map[string]string{"X-Forwarded-For": "10.0.0.1"}))
	if status != 200 {
		t.Errorf("unsigned ordinary header refused: %d %s", status, typ)
	}
	if len(rb.actors) != 1 {
		t.Errorf("the backend served %d requests, want only the one fully signed", len(rb.actors))
	}
}

func TestCredentialScopeNamesTheServersRegion(t *testing.T) {
	rb := &recordingBackend{}
	h, err := New(rb, Options{Keys: staticKeys{testKeyID: testSecret}, Region: "eu-central-1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"app/db"}`, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
	if status != 400 || typ != backend.CodeInvalidSignature ||
		msg != "Credential should be scoped to a valid region, not 'local': this server's region is 'eu-central-1' (set AWS_REGION or --region to it)." {
		t.Errorf("other region: got %d %s %q", status, typ, msg)
	}
	if _, err := sdkClientIn(t, srv.URL, "eu-central-1", testKeyID, testSecret).DescribeSecret(context.Background(), "app/db"); err != nil {
		t.Errorf("the server's region refused: %v", err)
	}
}

// TestHeadersAreCheckedBeforeTheBody sends the headers of a request with a
// large body but not the body: a request that cannot authenticate is
// answered at once, without the server waiting for (and holding) its body.
func TestHeadersAreCheckedBeforeTheBody(t *testing.T) {
	srv := startServer(t, &recordingBackend{}, staticKeys{testKeyID: testSecret}, nil)
	for name, authz := range map[string]string{
		"unsigned":    "",
		"unknown key": "AWS4-HMAC-SHA256 Credential=SCRTNOSUCHKEY/" + time.Now().UTC().Format("20060102") + "/local/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00",
	} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			head := "POST / HTTP/1.1\r\nHost: " + strings.TrimPrefix(srv.URL, "http://") + "\r\n" +
				"X-Amz-Target: secretsmanager.GetSecretValue\r\nX-Amz-Date: " + time.Now().UTC().Format(amzDateFmt) + "\r\n" +
				"Content-Type: " + contentType + "\r\nContent-Length: 3000\r\n"
			if authz != "" {
				head += "Authorization: " + authz + "\r\n"
			}
			if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer while the body is withheld: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
}

// switchingKeys is a key store whose one key's secret can be changed
// between requests.
type switchingKeys struct {
	mu     sync.Mutex
	secret string
}

func (k *switchingKeys) SecretKey(_ context.Context, id string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if id != testKeyID {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "no access key %s", id)
	}
	return []byte(k.secret), nil
}

// TestSigningKeyFollowsTheSecret: the server keeps the signing key it
// derived for a key and day, but never for a secret other than the one it
// was derived from.
func TestSigningKeyFollowsTheSecret(t *testing.T) {
	keys := &switchingKeys{secret: testSecret}
	srv := startServer(t, &recordingBackend{}, keys, nil)
	const other = "AnotherSecretAccessKeyOfFortyCharacters0"
	for range 2 {
		if _, err := sdkClient(t, srv.URL, testKeyID, testSecret).DescribeSecret(context.Background(), "app/db"); err != nil {
			t.Fatalf("first secret: %v", err)
		}
	}
	keys.mu.Lock()
	keys.secret = other
	keys.mu.Unlock()
	if _, err := sdkClient(t, srv.URL, testKeyID, testSecret).DescribeSecret(context.Background(), "app/db"); backend.Code(err) != backend.CodeInvalidSignature {
		t.Fatalf("signed with the old secret after it changed: %v, want InvalidSignatureException", err)
	}
	if _, err := sdkClient(t, srv.URL, testKeyID, other).DescribeSecret(context.Background(), "app/db"); err != nil {
		t.Fatalf("signed with the new secret: %v", err)
	}
}
