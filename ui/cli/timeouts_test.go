package cli_test

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStuckEndpointTimesOut runs a command against an endpoint that
// accepts connections and never answers: it must give up within the read
// timeout, in the AWS CLI's words, with its exit code.
func TestStuckEndpointTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vars: []string{"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"), "AWS_EC2_METADATA_DISABLED=true"}}
	endpoint := "http://" + ln.Addr().String()
	start := time.Now()
	r := e.run("", "--backend", "aws", "--region", "us-east-1", "--endpoint-url", endpoint, "--cli-read-timeout", "1",
		"get-secret-value", "--secret-id", "x")
	took := time.Since(start)
	if r.code != 255 {
		t.Errorf("exit code %d, want 255; stderr: %s", r.code, r.stderr)
	}
	if want := `Read timeout on endpoint URL: "` + endpoint + `"`; strings.TrimSpace(r.stderr) != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if took > 10*time.Second {
		t.Errorf("gave up after %v with a 1 s read timeout", took)
	}

	r = e.run("", "--backend", "aws", "--region", "us-east-1", "--endpoint-url", endpoint, "--cli-read-timeout", "-1", "list-secrets")
	if r.code != 252 || !strings.Contains(r.stderr, "--cli-read-timeout") {
		t.Errorf("a negative timeout: exit %d, stderr %q; want a usage error naming the flag", r.code, r.stderr)
	}
}
