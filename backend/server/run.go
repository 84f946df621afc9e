package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// DefaultAddr listens on loopback only, on a port the kernel picks: serving
// secrets beyond this host is a decision the operator makes explicitly.
const DefaultAddr = "127.0.0.1:0"

// DefaultShutdownTimeout is how long in-flight requests may take to finish
// after the context is cancelled.
const DefaultShutdownTimeout = 30 * time.Second

// DefaultMaxConns bounds the connections served at once. Each costs a
// goroutine and buffers (tens of kilobytes); connections beyond it wait in
// the kernel's accept queue until one closes.
const DefaultMaxConns = 256

// Config configures Run.
type Config struct {
	// Handler serves the requests (normally from New). Required.
	Handler http.Handler
	// Addr is host:port to listen on; empty means DefaultAddr.
	Addr string
	// CertFile and KeyFile serve TLS with the given PEM pair.
	CertFile, KeyFile string
	// SelfSigned generates an in-memory certificate for localhost and the
	// listen address when no CertFile is given. The certificate (never the
	// key) is written to SelfSignedCertOut when set, so that clients can
	// trust it (AWS_CA_BUNDLE).
	SelfSigned        bool
	SelfSignedCertOut string
	// MaxConns bounds the connections served at once; 0 means
	// DefaultMaxConns.
	MaxConns int
	// ShutdownTimeout bounds the graceful shutdown; 0 means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// Ready is called once the listener is bound, with the endpoint URL
	// clients should use (the kernel-chosen port filled in). A listener on
	// every interface (0.0.0.0, ::, or no host) is given as 127.0.0.1:
	// clients cannot connect to an unspecified address.
	Ready func(endpoint string)
}

// Run serves until ctx is cancelled, then stops accepting connections and
// lets in-flight requests finish (up to ShutdownTimeout).
func Run(ctx context.Context, cfg Config) error {
	if cfg.Handler == nil {
		return errors.New("serve: no handler")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	var tlsCfg *tls.Config
	switch {
	case cfg.CertFile != "" || cfg.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return fmt.Errorf("serve: load TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	case cfg.SelfSigned:
		cert, certPEM, err := selfSigned(cfg.Addr)
		if err != nil {
			return fmt.Errorf("serve: generate self-signed certificate: %w", err)
		}
		if cfg.SelfSignedCertOut != "" {
			if err := os.WriteFile(cfg.SelfSignedCertOut, certPEM, 0o644); err != nil {
				return fmt.Errorf("serve: write certificate: %w", err)
			}
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", cfg.Addr, err)
	}
	// Limited below TLS, so that a connection waiting for its turn costs
	// no handshake either.
	ln = limitListener(ln, cfg.MaxConns)
	scheme := "http"
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
		scheme = "https"
	}
	srv := &http.Server{
		Handler:           cfg.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// Requests outlive a cancelled ctx on purpose: shutdown lets
		// them finish instead of cutting them off.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if cfg.Ready != nil {
		cfg.Ready(scheme + "://" + dialable(ln.Addr()))
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// dialable is addr as a client on this host reaches it: an unspecified
// address (a listener on every interface) becomes the IPv4 loopback, which
// every such listener accepts (Go listens dual-stack on "::").
func dialable(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && (tcp.IP == nil || tcp.IP.IsUnspecified()) {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return addr.String()
}

// selfSigned makes an ECDSA P-256 certificate valid for a year for
// localhost, the loopback addresses and the listen host.
func selfSigned(addr string) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "secretary serve"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
		if ip := net.ParseIP(host); ip != nil {
			if !ip.IsUnspecified() && !ip.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if host != "localhost" {
			tmpl.DNSNames = append(tmpl.DNSNames, host)
		}
	}
	if hn, err := os.Hostname(); err == nil && hn != "" && hn != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, hn)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certPEM, nil
}
