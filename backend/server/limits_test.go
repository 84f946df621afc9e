package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// blockingBackend holds every DescribeSecret until released (or for 5 s,
// so that a broken limit fails a test instead of hanging it), so that
// tests can keep requests in progress.
type blockingBackend struct {
	backend.Backend
	entered chan struct{}
	release chan struct{}
}

func newBlockingBackend() *blockingBackend {
	return &blockingBackend{entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (b *blockingBackend) DescribeSecret(ctx context.Context, id string) (*backend.SecretMetadata, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-time.After(5 * time.Second):
	}
	return &backend.SecretMetadata{Name: id}, nil
}

func startHandler(t *testing.T, b backend.Backend, opts Options) *httptest.Server {
	t.Helper()
	opts.Keys = staticKeys{testKeyID: testSecret}
	h, err := New(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestBodyLimitFitsTheLargestValidRequest(t *testing.T) {
	srv := startHandler(t, &recordingBackend{}, Options{})
	sign := signWith(testKeyID, testSecret, "secretsmanager", time.Now())
	// Half a megabyte is more than any valid request needs.
	body := `{"SecretId":"app/db","Pad":"` + strings.Repeat("x", 500_000) + `"}`
	status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", body, sign)
	if status != http.StatusRequestEntityTooLarge || typ != "SerializationException" || !strings.Contains(msg, "exceeds") {
		t.Errorf("a body over the limit: got %d %s %q", status, typ, msg)
	}

	// The largest value a client can send: 65,536 bytes that JSON
	// escapes to six bytes each, through the real store.
	s := serveLocal(t)
	value := strings.Repeat("\x01", 65536)
	c := sdkClient(t, s.endpoint, s.keyID, s.secret)
	if _, err := c.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "big", SecretString: &value}); err != nil {
		t.Fatalf("the largest valid value was refused: %v", err)
	}
	v, err := c.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "big"})
	if err != nil || v.SecretString == nil || *v.SecretString != value {
		t.Fatalf("the largest value did not come back: %v", err)
	}
}

func TestInFlightRequestsPerClientAreBounded(t *testing.T) {
	bb := newBlockingBackend()
	srv := startHandler(t, bb, Options{MaxInFlightPerIP: 2})
	done := make(chan int, 2)
	for range 2 {
		go func() {
			status, _, _ := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"a"}`, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
			done <- status
		}()
		<-bb.entered
	}
	status, typ, msg := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"a"}`, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
	if status != 400 || typ != backend.CodeThrottling || msg != "Rate exceeded" {
		t.Errorf("a third request in flight: got %d %s %q", status, typ, msg)
	}
	close(bb.release)
	for range 2 {
		if s := <-done; s != 200 {
			t.Errorf("a request within the limit: status %d", s)
		}
	}
	// Finished requests free their places.
	if status, typ, _ := rawCall(t, srv.URL, "DescribeSecret", `{"SecretId":"a"}`, signWith(testKeyID, testSecret, "secretsmanager", time.Now())); status != 200 {
		t.Errorf("after the others finished: %d %s", status, typ)
	}
}

func TestBodiesInMemoryAreBounded(t *testing.T) {
	bb := newBlockingBackend()
	srv := startHandler(t, bb, Options{MaxBodyBytes: 4096, BodyBudget: 4096})
	body := `{"SecretId":"a","Pad":"` + strings.Repeat("x", 2500) + `"}`
	done := make(chan int, 1)
	go func() {
		status, _, _ := rawCall(t, srv.URL, "DescribeSecret", body, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
		done <- status
	}()
	<-bb.entered
	status, typ, _ := rawCall(t, srv.URL, "DescribeSecret", body, signWith(testKeyID, testSecret, "secretsmanager", time.Now()))
	if status != 400 || typ != backend.CodeThrottling {
		t.Errorf("a body beyond the budget: got %d %s", status, typ)
	}
	close(bb.release)
	if s := <-done; s != 200 {
		t.Errorf("the body within the budget: status %d", s)
	}
	if status, typ, _ := rawCall(t, srv.URL, "DescribeSecret", body, signWith(testKeyID, testSecret, "secretsmanager", time.Now())); status != 200 {
		t.Errorf("after the first finished: %d %s", status, typ)
	}
}

func TestConnectionsAreBounded(t *testing.T) {
	h, err := New(&recordingBackend{}, Options{Keys: staticKeys{testKeyID: testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	endpoint := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Handler: h, MaxConns: 1, Ready: func(e string) { endpoint <- e }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	addr := strings.TrimPrefix(<-endpoint, "http://")
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	// first holds the only place; a request on a second connection waits
	// in the accept queue until first closes.
	second, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if _, err := second.Write([]byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(second)
	_ = second.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if resp, err := http.ReadResponse(r, nil); err == nil {
		resp.Body.Close()
		t.Fatalf("a connection beyond the limit was served (%s)", resp.Status)
	}
	first.Close()
	_ = second.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("the waiting connection was not served after the first closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("status %d", resp.StatusCode)
	}
}
