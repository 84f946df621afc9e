package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunFinishesInFlightRequestsOnShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint := make(chan string, 1)
	runErr := make(chan error, 1)
	go func() {
		runErr <- Run(ctx, Config{Handler: h, Ready: func(e string) { endpoint <- e }})
	}()
	url := <-endpoint
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("endpoint = %q, want loopback by default", url)
	}

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Post(url+"/", "application/x-amz-json-1.1", strings.NewReader("{}"))
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	cancel() // SIGTERM arrives while a request is in flight

	// The listener closes at once: new connections are refused while the
	// in-flight request is still being served.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := http.Post(url+"/", "text/plain", nil)
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server still accepts new connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-runErr:
		t.Fatalf("Run returned (%v) before the in-flight request finished", err)
	default:
	}
	close(release)
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: body %q, err %v", r.body, r.err)
	}
	if err := <-runErr; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestRunSelfSignedTLS(t *testing.T) {
	certPath := filepath.Join(t.TempDir(), "serve.pem")
	ctx, cancel := context.WithCancel(context.Background())
	endpoint := make(chan string, 1)
	runErr := make(chan error, 1)
	go func() {
		runErr <- Run(ctx, Config{
			Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
			SelfSigned:        true,
			SelfSignedCertOut: certPath,
			Ready:             func(e string) { endpoint <- e },
		})
	}()
	url := <-endpoint
	defer func() {
		cancel()
		if err := <-runErr; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("endpoint = %q", url)
	}
	// Without trusting the certificate the client refuses.
	if _, err := http.Get(url); err == nil {
		t.Fatal("an untrusted self-signed certificate was accepted")
	}
	pemBytes, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(pemBytes), "PRIVATE KEY") {
		t.Fatal("the private key was written to disk")
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("written certificate is not PEM")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, u := range []string{url, strings.Replace(url, "127.0.0.1", "localhost", 1)} {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatalf("GET %s trusting the written certificate: %v", u, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ok" {
			t.Errorf("body = %q", b)
		}
	}
}

func TestRunReportsListenErrors(t *testing.T) {
	err := Run(context.Background(), Config{Handler: http.NotFoundHandler(), Addr: "127.0.0.1:99999"})
	if err == nil || !strings.Contains(err.Error(), "listen on 127.0.0.1:99999") {
		t.Fatalf("err = %v", err)
	}
	err = Run(context.Background(), Config{Handler: http.NotFoundHandler(), CertFile: "/nonexistent.pem", KeyFile: "/nonexistent.key"})
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing certificate: err = %v", err)
	}
}

// TestRunOnEveryInterfaceGivesAnEndpointClientsCanUse: 0.0.0.0, :: and an
// empty host are not addresses a client can connect to; Ready gives the
// loopback address instead, and a request to it is served.
func TestRunOnEveryInterfaceGivesAnEndpointClientsCanUse(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "served") })
	// ":0" listens on "::" where the host has IPv6 (reported as [::]), and
	// on 0.0.0.0 where it has not; "[::]:0" itself would fail on hosts
	// without IPv6.
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		t.Run(addr, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			endpoint := make(chan string, 1)
			runErr := make(chan error, 1)
			go func() { runErr <- Run(ctx, Config{Handler: h, Addr: addr, Ready: func(e string) { endpoint <- e }}) }()
			defer func() {
				cancel()
				if err := <-runErr; err != nil {
					t.Errorf("Run: %v", err)
				}
			}()
			var url string
			select {
			case url = <-endpoint:
			case err := <-runErr:
				t.Fatalf("Run on %s: %v", addr, err)
			}
			if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
				t.Fatalf("endpoint = %q, want http://127.0.0.1 and the port bound", url)
			}
			resp, err := http.Get(url + "/")
			if err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "served" {
				t.Fatalf("GET %s = %q", url, b)
			}
		})
	}
}
