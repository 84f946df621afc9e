package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/secretary-sh/secretary/backend"
)

// BenchmarkServeGetSecretValue measures GetSecretValue through the server on
// loopback, backed by the embedded store, from concurrent clients that sign
// every request with SigV4 as the SDKs do. It reports throughput and the
// p50/p99 latency seen by the clients.
func BenchmarkServeGetSecretValue(b *testing.B) {
	s := serveLocal(b)
	value := `{"user":"app","password":"correct horse battery staple"}`
	if _, err := s.store.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: "prod/payments/postgres", SecretString: &value}); err != nil {
		b.Fatal(err)
	}
	benchGet(b, s.endpoint, s.keyID, s.secret, "correct horse")
}

// BenchmarkServeProtocolOnly is the same load against a backend that answers
// from memory: what HTTP, SigV4 verification and JSON cost on their own.
func BenchmarkServeProtocolOnly(b *testing.B) {
	srv := startServer(b, &recordingBackend{}, staticKeys{testKeyID: testSecret}, nil)
	benchGet(b, srv.URL, testKeyID, testSecret, "AAEC/w==")
}

func benchGet(b *testing.B, endpoint, keyID, secret, want string) {
	ctx := context.Background()
	body := []byte(`{"SecretId":"prod/payments/postgres"}`)
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	creds := awssdk.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
	signer := v4.NewSigner()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}

	call := func() error {
		req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Amz-Target", "secretsmanager.GetSecretValue")
		if err := signer.SignHTTP(ctx, creds, req, payloadHash, "secretsmanager", "local", time.Now()); err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte(want)) {
			b.Errorf("status %d: %s", resp.StatusCode, out)
		}
		return nil
	}
	if err := call(); err != nil { // warm the connection pool and caches
		b.Fatal(err)
	}

	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(4) // 4 × GOMAXPROCS concurrent clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			t0 := time.Now()
			if err := call(); err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
