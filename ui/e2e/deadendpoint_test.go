package e2e

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// TestDeadEndpointKeepsTheConsoleUsable opens the console on the AWS
// backend with an endpoint where nothing listens. It must say so plainly,
// keep answering keys, and once the endpoint comes up (here: `secretary
// serve` on that port) a refresh lists the secrets without a restart.
func TestDeadEndpointKeepsTheConsoleUsable(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "prod/e2e/after-outage", "--secret-string", "x")
	var key struct{ AccessKey map[string]string }
	if err := json.Unmarshal([]byte(s.cli(t, "access-key", "create", "--description", "e2e")), &key); err != nil {
		t.Fatal(err)
	}

	// A port that was free a moment ago: connections to it are refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	aws := s.withEnv("AWS_ACCESS_KEY_ID="+key.AccessKey["AccessKeyId"], "AWS_SECRET_ACCESS_KEY="+key.AccessKey["SecretAccessKey"],
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE="+filepath.Join(s.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(s.dir, "none"))
	tm := start(t, aws, 100, 30, "--backend", "aws", "--region", "local", "--endpoint-url", "http://"+addr)
	scr := tm.WaitFor(20*time.Second, "cannot reach Secrets Manager", "connection refused")
	if strings.Contains(scr, "panic") || strings.Contains(scr, "goroutine ") {
		t.Fatalf("the console crashed:\n%s", tmuxtest.Frame(scr))
	}

	// Still usable: help opens and closes.
	tm.Keys("?")
	tm.WaitFor(5*time.Second, "Keys", "refresh")
	tm.Keys("Escape")
	tm.WaitGone(5*time.Second, "Keys ·")

	// The endpoint comes up; a refresh lists what it serves.
	serve := exec.Command(suite.bin, "serve", "--addr", addr, "--quiet")
	serve.Env = s.env()
	serve.Dir = s.dir
	logPath := filepath.Join(s.dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	serve.Stdout, serve.Stderr = logFile, logFile
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Kill()
		_ = serve.Wait()
	})
	waitListening(t, addr, logPath)
	tm.Keys("C-r")
	tm.WaitFor(20*time.Second, "prod/e2e/after-outage")
	tm.WaitGone(20*time.Second, "cannot reach Secrets Manager")
	tm.Keys("q")
}

// waitListening waits until something accepts connections at addr.
func waitListening(t *testing.T, addr, logPath string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("nothing listens at %s after 30 s: %v\n%s", addr, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStuckEndpoint opens the console on an endpoint that accepts
// connections and never answers (a black-holed proxy). The list shows the
// stall live, the read timeout ends the wait with the AWS CLI's words,
// esc stops a retry that hangs too, and once a real endpoint answers at
// that address ctrl+r lists its secrets.
func TestStuckEndpoint(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "prod/e2e/after-stall", "--secret-string", "x")
	var key struct{ AccessKey map[string]string }
	if err := json.Unmarshal([]byte(s.cli(t, "access-key", "create", "--description", "e2e")), &key); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	held := make(chan net.Conn, 64)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held <- c
		}
	}()
	closeHole := func() {
		ln.Close()
		for {
			select {
			case c := <-held:
				c.Close()
			default:
				return
			}
		}
	}
	t.Cleanup(closeHole)

	aws := s.withEnv("AWS_ACCESS_KEY_ID="+key.AccessKey["AccessKeyId"], "AWS_SECRET_ACCESS_KEY="+key.AccessKey["SecretAccessKey"],
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE="+filepath.Join(s.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(s.dir, "none"))
	endpoint := "http://" + addr
	start0 := time.Now()
	tm := start(t, aws, 140, 30, "--backend", "aws", "--region", "local", "--endpoint-url", endpoint)
	// The stall, live, with the endpoint and the way out.
	tm.WaitFor(20*time.Second, "no answer from "+endpoint+" for 1", "ctrl+r retry", "esc cancel")
	// The console's read timeout (15 s) ends the wait.
	scr := tm.WaitFor(25*time.Second, `Read timeout on endpoint URL: "`+endpoint+`"`)
	if took := time.Since(start0); took > 25*time.Second {
		t.Errorf("the error came after %v; the console's read timeout is 15 s", took)
	}
	if strings.Contains(scr, "panic") {
		t.Fatalf("the console crashed:\n%s", tmuxtest.Frame(scr))
	}
	// A retry hangs as well; esc stops waiting for it.
	tm.Keys("C-r")
	tm.WaitFor(20*time.Second, "no answer from "+endpoint)
	tm.Keys("Escape")
	tm.WaitFor(5*time.Second, "stopped waiting for the list")
	tm.WaitGone(5*time.Second, "no answer from")

	// A real endpoint at the same address: ctrl+r lists what it serves.
	closeHole()
	serve := exec.Command(suite.bin, "serve", "--addr", addr, "--quiet")
	serve.Env = s.env()
	serve.Dir = s.dir
	logPath := filepath.Join(s.dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	serve.Stdout, serve.Stderr = logFile, logFile
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Kill()
		_ = serve.Wait()
	})
	waitListening(t, addr, logPath)
	tm.Keys("C-r")
	tm.WaitFor(20*time.Second, "prod/e2e/after-stall")
	tm.Keys("q")
}
