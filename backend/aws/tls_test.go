package aws

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// tlsServer is a Secrets Manager stand-in over TLS that counts the
// connections it accepted: a refused handshake never reaches the handler,
// so connections, not requests, tell whether the client tried again.
type tlsServer struct {
	*httptest.Server
	conns atomic.Int32
	f     *fakeService
}

// newTLSServer serves with cert, or with httptest's own certificate when
// cert is nil, answering with respond.
func newTLSServer(t *testing.T, cert *tls.Certificate, respond func(op string, n int, body map[string]any) (int, any)) *tlsServer {
	t.Helper()
	s := &tlsServer{f: &fakeService{respond: respond}}
	s.Server = httptest.NewUnstartedServer(s.f)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	// The server logs each refused handshake; the test asserts on the
	// client's side instead.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	if cert != nil {
		s.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// selfSignedCert makes a certificate for dnsNames and ips valid from
// notBefore to notAfter, and a pool that trusts it.
func selfSignedCert(t *testing.T, dnsNames []string, ips []net.IP, notBefore, notAfter time.Time) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "secretary test"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              dnsNames,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(parsed)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestUntrustedCertificateFailsAtOnceWithClearError: whatever is wrong with
// the server's certificate, the first handshake's failure is reported
// (one connection, no retries) with the endpoint and what to change.
func TestUntrustedCertificateFailsAtOnceWithClearError(t *testing.T) {
	loopback := []net.IP{net.IPv4(127, 0, 0, 1)}
	now := time.Now()
	otherHost, otherHostPool := selfSignedCert(t, []string{"secrets.example.com"}, []net.IP{net.ParseIP("192.0.2.10")}, now.Add(-time.Hour), now.Add(time.Hour))
	expired, expiredPool := selfSignedCert(t, nil, loopback, now.Add(-48*time.Hour), now.Add(-24*time.Hour))

	for _, tc := range []struct {
		name   string
		cert   *tls.Certificate
		roots  *x509.CertPool // nil: the system roots, which do not hold the test CA
		reason string
		hint   string
	}{
		{"unknown authority", nil, nil, "x509: certificate signed by unknown authority", "set AWS_CA_BUNDLE to the CA certificate"},
		{"host name mismatch", &otherHost, otherHostPool, "x509: certificate is valid for 192.0.2.10, not 127.0.0.1", "the certificate is for another host name"},
		{"expired", &expired, expiredPool, "x509: certificate has expired", "must be renewed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newTLSServer(t, tc.cert, func(string, int, map[string]any) (int, any) {
				return 200, map[string]any{"SecretList": []any{}}
			})
			// A plain *http.Client cannot take a custom CA bundle, and
			// the environment's must not make the certificate trusted.
			t.Setenv("AWS_CA_BUNDLE", "")
			rt := &countingTransport{base: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: tc.roots}}}
			cfg := testConfig(srv.URL)
			cfg.HTTPClient = &http.Client{Transport: rt}
			b, err := New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()

			_, err = b.ListSecrets(context.Background(), &backend.ListSecretsInput{})
			if err == nil {
				t.Fatal("ListSecrets succeeded against an untrusted certificate")
			}
			if n := srv.conns.Load(); n != 1 {
				t.Errorf("connections = %d, want 1: a certificate that was refused is refused again", n)
			}
			if n := rt.n.Load(); n != 1 {
				t.Errorf("round trips = %d, want 1", n)
			}
			if n := srv.f.count("ListSecrets"); n != 0 {
				t.Errorf("the handler saw %d requests through a refused handshake", n)
			}
			var ce *CertificateError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %T %v, want a *CertificateError", err, err)
			}
			msg := err.Error()
			for _, want := range []string{"TLS certificate of " + srv.URL + " is not trusted: ", tc.reason, tc.hint, "--endpoint-url"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			// The operator sees one sentence, not the SDK's chain of
			// wrapped errors.
			if strings.Contains(msg, "operation error") || strings.Contains(msg, "RequestSend") {
				t.Errorf("message %q carries the SDK's error chain", msg)
			}
		})
	}
}

// TestTrustedCertificateStillRetriesThrottling: the certificate check does
// not stop the retries that help, over TLS as over plain HTTP.
func TestTrustedCertificateStillRetriesThrottling(t *testing.T) {
	now := time.Now()
	cert, pool := selfSignedCert(t, nil, []net.IP{net.IPv4(127, 0, 0, 1)}, now.Add(-time.Hour), now.Add(time.Hour))
	srv := newTLSServer(t, &cert, func(_ string, n int, _ map[string]any) (int, any) {
		if n <= 2 {
			return 400, apiError("ThrottlingException", "Rate exceeded")
		}
		return 200, map[string]any{"SecretList": []any{}}
	})
	t.Setenv("AWS_CA_BUNDLE", "")
	cfg := testConfig(srv.URL)
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.ListSecrets(context.Background(), &backend.ListSecretsInput{}); err != nil {
		t.Fatalf("ListSecrets over trusted TLS after two throttles: %v", err)
	}
	if n := srv.f.count("ListSecrets"); n != 3 {
		t.Errorf("attempts = %d, want 3 (two throttled, one success)", n)
	}
}

// TestUntrustedCertificateOfCloudTrailFailsAtOnce: the audit view reads
// CloudTrail through the same retryer, and says which service it could not
// reach.
func TestUntrustedCertificateOfCloudTrailFailsAtOnce(t *testing.T) {
	srv := newTLSServer(t, nil, func(string, int, map[string]any) (int, any) { return 200, map[string]any{} })
	for _, k := range []string{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	cfg := testConfig("")
	// Only the audit request may connect, so that the count below is
	// CloudTrail's alone.
	cfg.SkipIdentity = true
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, _, err = b.AuditPage(context.Background(), backend.AuditQuery{SecretID: trailARN}, "")
	var ce *CertificateError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CertificateError", err)
	}
	if want := "cannot reach CloudTrail: TLS certificate of " + srv.URL + " is not trusted: x509: certificate signed by unknown authority"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start with %q", err, want)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
}

// TestHTTPSToAPlainHTTPServerFailsAtOnce: an https:// endpoint that speaks
// plain HTTP (secretary serve without TLS, say) answers the same way on
// every attempt, so it is reported after one connection with the fix.
func TestHTTPSToAPlainHTTPServerFailsAtOnce(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	endpoint := "https://" + strings.TrimPrefix(srv.URL, "http://")
	b, err := New(context.Background(), testConfig(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	start := time.Now()
	_, err = b.ListSecrets(context.Background(), &backend.ListSecretsInput{})
	if err == nil {
		t.Fatal("ListSecrets succeeded over TLS against a plain HTTP server")
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1 (%v)", n, time.Since(start))
	}
	msg := err.Error()
	for _, want := range []string{endpoint + " answered in plain HTTP, not TLS", "use http:// in --endpoint-url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
