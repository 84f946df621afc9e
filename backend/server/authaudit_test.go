package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// syncBuffer is a log destination the handler and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFailedAuthenticationIsLoggedAndAudited serves a real store with its
// real access keys, as `secretary serve` does, and checks what refused
// requests leave behind: a Warn line (kept by --quiet) and an audit record
// naming the key claimed, the reason and the client, never the signature.
func TestFailedAuthenticationIsLoggedAndAudited(t *testing.T) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	st, err := local.Init(context.Background(), filepath.Join(t.TempDir(), "store.db"), local.Credential{Key: key}, local.Options{Actor: "test@host"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, err := st.CreateAccessKey(context.Background(), "app")
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	h, err := New(st, Options{Keys: st, Region: st.Info().Region,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
		AuditAuthFailure: func(ctx context.Context, f AuthFailure) error {
			return st.AuditAuthFailure(ctx, f.KeyID, f.Code, f.Source)
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	var signature string
	status, _, _ := rawCall(t, srv.URL, "GetSecretValue", `{"SecretId":"x"}`, func(r *http.Request) {
		signWith(k.ID, strings.Repeat("x", 40), "secretsmanager", time.Now())(r)
		signature = r.Header.Get("Authorization")[strings.Index(r.Header.Get("Authorization"), "Signature=")+len("Signature="):]
	})
	if status != 400 {
		t.Fatalf("wrong secret: status %d", status)
	}
	rawCall(t, srv.URL, "GetSecretValue", `{}`, nil)
	rawCall(t, srv.URL, "GetSecretValue", `{}`, signWith(strings.Repeat("Z", 500), "s", "secretsmanager", time.Now()))

	out := logs.String()
	for _, want := range []string{
		`msg="authentication failed"`,
		`key=` + k.ID + ` reason="signature mismatch" error=InvalidSignatureException source=127.0.0.1:`,
		`key="" reason="no Authorization header" error=MissingAuthenticationTokenException`,
		`reason="unknown access key" error=UnrecognizedClientException`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, signature) || strings.Contains(out, strings.Repeat("Z", 65)) {
		t.Errorf("the log holds a signature or all of a 500-character key id:\n%s", out)
	}

	recs, err := st.AuditLog(context.Background(), backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if r.Operation == "Authenticate" {
			if strings.Contains(r.Actor+r.SecretARN+r.VersionID+r.ErrorCode, signature) {
				t.Errorf("audit record %d holds the signature", r.Seq)
			}
			got = append(got, r.Actor+" "+r.Outcome+" "+r.ErrorCode)
		}
	}
	// Newest first, as AuditLog returns them.
	want := []string{
		"invalid-key-id@127.0.0.1 error UnrecognizedClientException",
		"anonymous@127.0.0.1 error MissingAuthenticationTokenException",
		k.ID + "@127.0.0.1 error InvalidSignatureException",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit records of failed authentications:\n%q\nwant\n%q", got, want)
	}
	// A refused request is not a use of the key it claimed.
	keys, err := st.ListAccessKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || !keys[0].LastUsed.IsZero() {
		t.Errorf("keys after failed requests only: %+v", keys)
	}
}

// TestKeyDeletedByAnotherProcessIsRefusedAtOnce: the server checks
// signatures against secrets it keeps in memory, yet a key deleted through
// another handle on the store file (as `secretary access-key delete` does)
// is refused by the very next request, whether the request reaches an
// operation or is refused before (an undecodable body), and the refusal is
// logged and audited as a failed authentication.
func TestKeyDeletedByAnotherProcessIsRefusedAtOnce(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "store.db")
	st, err := local.Init(ctx, path, local.Credential{Key: key}, local.Options{Actor: "test@host"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateSecret(ctx, &backend.CreateSecretInput{Name: "app/db", SecretString: awssdk.String("v1")}); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	h, err := New(st, Options{Keys: st, Region: st.Info().Region,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
		AuditAuthFailure: func(ctx context.Context, f AuthFailure) error {
			return st.AuditAuthFailure(ctx, f.KeyID, f.Code, f.Source)
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, body := range []string{`{"SecretId":"app/db"}`, `{"SecretId":`} {
		k, err := st.CreateAccessKey(ctx, "app")
		if err != nil {
			t.Fatal(err)
		}
		c := sdkClientIn(t, srv.URL, st.Info().Region, k.ID, k.Secret)
		for range 2 { // the second answered from memory
			if v, err := c.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/db"}); err != nil || *v.SecretString != "v1" {
				t.Fatalf("before the deletion: %+v, %v", v, err)
			}
		}
		other, err := local.Open(ctx, path, local.Credential{Key: key}, local.Options{Actor: "cli@host"})
		if err != nil {
			t.Fatal(err)
		}
		err = other.DeleteAccessKey(ctx, k.ID)
		other.Close()
		if err != nil {
			t.Fatal(err)
		}
		status, code, msg := rawCall(t, srv.URL, "GetSecretValue", body, signWith(k.ID, k.Secret, "secretsmanager", time.Now()))
		if status != 400 || code != backend.CodeUnrecognizedClient || msg != msgUnknownKey {
			t.Fatalf("body %s, key deleted by another handle: %d %s %q", body, status, code, msg)
		}
		if !strings.Contains(logs.String(), `key=`+k.ID+` reason="access key deleted" error=UnrecognizedClientException`) {
			t.Fatalf("body %s: no failed authentication logged:\n%s", body, logs.String())
		}
		recs, err := st.AuditLog(ctx, backend.AuditQuery{Limit: 1})
		if err != nil || len(recs) != 1 || recs[0].Operation != "Authenticate" || !strings.HasPrefix(recs[0].Actor, k.ID+"@") ||
			recs[0].ErrorCode != backend.CodeUnrecognizedClient {
			t.Fatalf("body %s: newest audit record %+v, %v; want the failed authentication", body, recs, err)
		}
	}
}
