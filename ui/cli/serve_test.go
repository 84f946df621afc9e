package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// These tests run `secretary serve` as a process and reach it the way
// applications do: through the AWS SDK (secretary --backend aws, another
// process), the AWS CLI, and raw signed HTTP.

// lockedBuffer collects a process's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveProc is a running `secretary serve`.
type serveProc struct {
	t        testing.TB
	cmd      *exec.Cmd
	endpoint string
	stderr   *lockedBuffer
	exited   chan struct{}
	code     int
}

var servingRE = regexp.MustCompile(`(?m)^secretary: serving .* at (https?://\S+)$`)

// startServe starts `secretary serve args…` on e's store and waits for it
// to print its endpoint.
func startServe(t testing.TB, e *env, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	cmd.Env = append(cleanEnviron(), e.vars...)
	s := &serveProc{t: t, cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	cmd.Stdout = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		s.code = cmd.ProcessState.ExitCode()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			cmd.Process.Kill()
			<-s.exited
		}
	})
	deadline := time.After(30 * time.Second)
	for {
		// The endpoint comes first, then the example command to try.
		out := s.stderr.String()
		if m := servingRE.FindStringSubmatch(out); m != nil && strings.Contains(out, " secretsmanager list-secrets\n") {
			s.endpoint = m[1]
			return s
		}
		select {
		case <-s.exited:
			t.Fatalf("serve exited with %d before serving:\n%s", s.code, s.stderr.String())
		case <-deadline:
			t.Fatalf("serve printed no endpoint in 30 s:\n%s", s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitFor waits until stderr contains text.
func (s *serveProc) waitFor(text string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(s.stderr.String(), text) {
		if time.Now().After(deadline) {
			s.t.Fatalf("serve never printed %q:\n%s", text, s.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop sends sig and returns the exit code.
func (s *serveProc) stop(sig os.Signal) int {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
	return s.wait()
}

func (s *serveProc) wait() int {
	s.t.Helper()
	select {
	case <-s.exited:
		return s.code
	case <-time.After(30 * time.Second):
		s.t.Fatalf("serve did not exit within 30 s:\n%s", s.stderr.String())
	}
	return 0
}

// sdkClient is secretary itself as an AWS SDK client of endpoint, signing
// with the given key; it has no store of its own.
func sdkClient(t testing.TB, endpoint, keyID, secret string, extra ...string) func(args ...string) result {
	dir := t.TempDir()
	c := &env{t: t, dir: dir, vars: append([]string{"AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED=true"}, extra...)}
	return func(args ...string) result {
		t.Helper()
		return c.run("", append([]string{"--backend", "aws", "--region", "local", "--endpoint-url", endpoint}, args...)...)
	}
}

type createdKey struct {
	id, secret string
}

// createKey runs `access-key create` and checks what it prints.
func createKey(t testing.TB, e *env, description string) createdKey {
	t.Helper()
	r := e.run("", "access-key", "create", "--description", description)
	if r.code != 0 {
		t.Fatalf("access-key create: %d %s", r.code, r.stderr)
	}
	var out struct {
		AccessKey map[string]string
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("access-key create printed %q: %v", r.stdout, err)
	}
	k := out.AccessKey
	if !regexp.MustCompile(`^SKIA[A-Z2-7]{16}$`).MatchString(k["AccessKeyId"]) ||
		!regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`).MatchString(k["SecretAccessKey"]) ||
		k["Status"] != "Active" || !timeRE.MatchString(k["CreateDate"]) || k["Description"] != description {
		t.Fatalf("access-key create printed %s", r.stdout)
	}
	// The members come in the order of aws iam create-access-key.
	order := regexp.MustCompile(`"(AccessKeyId|SecretAccessKey|Status|CreateDate)"`).FindAllStringSubmatch(r.stdout, -1)
	if len(order) != 4 || order[0][1] != "AccessKeyId" || order[1][1] != "SecretAccessKey" || order[2][1] != "Status" || order[3][1] != "CreateDate" {
		t.Fatalf("member order: %s", r.stdout)
	}
	if !strings.Contains(r.stderr, "cannot be shown again") {
		t.Fatalf("create does not warn that the secret is shown once: %q", r.stderr)
	}
	return createdKey{k["AccessKeyId"], k["SecretAccessKey"]}
}

// signedRequest is a complete HTTP/1.1 request to the Secrets Manager API,
// signed by the AWS SDK's own SigV4 signer.
func signedRequest(t *testing.T, endpoint string, k createdKey, target string, body []byte) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager."+target)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "secretsmanager", "local", time.Now()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	msgBadSignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgUnknownKey   = "The security token included in the request is invalid."
)

func TestServeRefusesWithoutAccessKeys(t *testing.T) {
	e := newKeyFileStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(cleanEnviron(), e.vars...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 253 {
		t.Fatalf("serve on a store without keys: %v, stderr %q; want exit 253", err, stderr.String())
	}
	want := "\nsecretary: the store " + filepath.Join(e.dir, "store.db") +
		" has no access keys, so no request could be signed; create one with `secretary access-key create`\n"
	if stderr.String() != want {
		t.Fatalf("stderr %q, want %q", stderr.String(), want)
	}
}

// TestServeThroughTheSDK is the whole journey: create a key, serve, use
// the store through the AWS SDK, be refused with a wrong or deleted key,
// stop with SIGTERM while a request is in flight, and find every request
// audited under its access key.
func TestServeThroughTheSDK(t *testing.T) {
	e := newKeyFileStore(t)
	k := createKey(t, e, "ci job")
	list := e.run("", "access-key", "list")
	if list.code != 0 || !strings.Contains(list.stdout, `"AccessKeyId": "`+k.id+`"`) || strings.Contains(list.stdout, k.secret) ||
		!strings.Contains(list.stdout, `"Description": "ci job"`) || strings.Contains(list.stdout, "LastUsedDate") {
		t.Fatalf("access-key list: %d %s %s", list.code, list.stdout, list.stderr)
	}

	srv := startServe(t, e, "--addr", "127.0.0.1:0")
	if !strings.HasPrefix(srv.endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q", srv.endpoint)
	}
	if !strings.Contains(srv.stderr.String(), " aws --endpoint-url "+srv.endpoint+" secretsmanager list-secrets\n") ||
		!strings.Contains(srv.stderr.String(), "AWS_ENDPOINT_URL_SECRETS_MANAGER="+srv.endpoint+"\n") {
		t.Fatalf("no example command:\n%s", srv.stderr.String())
	}
	if strings.Contains(srv.stderr.String(), "WARNING") || strings.Contains(srv.stderr.String(), "all interfaces") {
		t.Fatalf("a loopback server warned or claimed to listen on all interfaces:\n%s", srv.stderr.String())
	}

	sdk := sdkClient(t, srv.endpoint, k.id, k.secret)
	const value = `{"password":"s3cr3t-value-77"}`
	if r := sdk("create-secret", "--name", "app/db", "--secret-string", value); r.code != 0 {
		t.Fatalf("create-secret through serve: %d %s", r.code, r.stderr)
	}
	r := sdk("get-secret-value", "--secret-id", "app/db")
	var got map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got["SecretString"] != value {
		t.Fatalf("get-secret-value through serve: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// A wrong secret and an unknown key are refused as AWS refuses them.
	r = sdkClient(t, srv.endpoint, k.id, strings.Repeat("x", 40))("get-secret-value", "--secret-id", "app/db")
	if want := "\nAn error occurred (InvalidSignatureException) when calling the GetSecretValue operation: " + msgBadSignature + "\n"; r.code != 254 || r.stderr != want || r.stdout != "" {
		t.Fatalf("wrong secret: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = sdkClient(t, srv.endpoint, "SKIAAAAAAAAAAAAAAAAA", k.secret)("get-secret-value", "--secret-id", "app/db")
	if want := "\nAn error occurred (UnrecognizedClientException) when calling the GetSecretValue operation: " + msgUnknownKey + "\n"; r.code != 254 || r.stderr != want {
		t.Fatalf("unknown key: %d %q", r.code, r.stderr)
	}

	// A key deleted by another process is refused by the running server,
	// which had its secret in memory, on the next request.
	k2 := createKey(t, e, "temporary")
	sdk2 := sdkClient(t, srv.endpoint, k2.id, k2.secret)
	for range 2 {
		if r := sdk2("get-secret-value", "--secret-id", "app/db"); r.code != 0 {
			t.Fatalf("second key: %d %s", r.code, r.stderr)
		}
	}
	if r := e.run("", "access-key", "delete", "--access-key-id", k2.id); r.code != 0 || r.stdout != "" {
		t.Fatalf("access-key delete: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := sdk2("get-secret-value", "--secret-id", "app/db"); r.code != 254 || strings.Contains(r.stdout, value) ||
		r.stderr != "\nAn error occurred (UnrecognizedClientException) when calling the GetSecretValue operation: "+msgUnknownKey+"\n" {
		t.Fatalf("deleted key: %d %q %q", r.code, r.stdout, r.stderr)
	}
	srv.waitFor("key=" + k2.id + " reason=\"access key deleted\"")
	if r := sdk2("list-secrets"); r.code != 254 || !strings.Contains(r.stderr, "(UnrecognizedClientException)") {
		t.Fatalf("deleted key: %d %q", r.code, r.stderr)
	}
	e.fails(254, "\nAn error occurred (ResourceNotFoundException) when calling the DeleteAccessKey operation: The access key with id "+k2.id+" cannot be found.\n",
		"access-key", "delete", "--access-key-id", k2.id)

	// SIGTERM while a request is in flight: the server stops listening,
	// the request finishes, and the process exits 0.
	u, err := url.Parse(srv.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	raw := signedRequest(t, srv.endpoint, k, "CreateSecret",
		[]byte(`{"Name":"app/inflight","SecretString":"late-value-5150","ClientRequestToken":"6f1d3c52-9c1e-4b8e-a0c4-2f5e8d7b9a10"}`))
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers and most of the body: the handler is now reading the body.
	if _, err := conn.Write(raw[:len(raw)-10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	srv.waitFor("secretary: stopping")
	refused := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Fatal("the server still accepts connections after SIGTERM")
	}
	select {
	case <-srv.exited:
		t.Fatalf("serve exited (%d) with a request in flight:\n%s", srv.code, srv.stderr.String())
	default:
	}
	if _, err := conn.Write(raw[len(raw)-10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"Name":"app/inflight"`) {
		t.Fatalf("in-flight request: %d %s", resp.StatusCode, body)
	}
	if code := srv.wait(); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM:\n%s", code, srv.stderr.String())
	}

	// One log line per request, naming the key and never a value.
	log := srv.stderr.String()
	for _, want := range []string{
		"op=CreateSecret actor=" + k.id + " status=200",
		"op=GetSecretValue actor=" + k.id + " status=200",
		"op=GetSecretValue key=" + k.id + " reason=\"signature mismatch\" error=InvalidSignatureException",
		"op=GetSecretValue key=SKIAAAAAAAAAAAAAAAAA reason=\"unknown access key\" error=UnrecognizedClientException",
		"secretary: stopped\n",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the server log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{"s3cr3t-value-77", "late-value-5150", k.secret, k2.secret} {
		if strings.Contains(log, secret) {
			t.Fatalf("the server log holds a secret (%q):\n%s", secret, log)
		}
	}

	// The audit log names the access key as the actor of each request.
	st := e.open(local.Options{Actor: "test@host"})
	actors := map[string]string{}
	for _, name := range []string{"app/db", "app/inflight"} {
		recs, err := st.AuditLog(context.Background(), backend.AuditQuery{SecretID: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			actors[name+" "+rec.Operation+" "+rec.Outcome] = rec.Actor
		}
	}
	for _, op := range []string{"app/db CreateSecret ok", "app/db GetSecretValue ok", "app/inflight CreateSecret ok"} {
		if actors[op] != k.id {
			t.Errorf("audit actor of %s = %q, want the access key %s (all: %v)", op, actors[op], k.id, actors)
		}
	}
	keys, err := st.ListAccessKeys(context.Background())
	if err != nil || len(keys) != 1 || keys[0].ID != k.id || keys[0].LastUsed.IsZero() {
		t.Fatalf("after serving: %+v, %v; want key %s with a last use", keys, err, k.id)
	}
}

// TestServeTLSSelfSigned: the client trusts the certificate serve wrote,
// and only that makes the connection work.
func TestServeTLSSelfSigned(t *testing.T) {
	e := newKeyFileStore(t)
	k := createKey(t, e, "tls")
	cert := filepath.Join(e.dir, "serve.pem")
	srv := startServe(t, e, "--addr", "127.0.0.1:0", "--tls-self-signed", "--tls-cert-out", cert, "--quiet")
	if !strings.HasPrefix(srv.endpoint, "https://127.0.0.1:") {
		t.Fatalf("endpoint %q", srv.endpoint)
	}
	if !strings.Contains(srv.stderr.String(), "AWS_CA_BUNDLE="+cert+" ") {
		t.Fatalf("the example command does not trust the certificate:\n%s", srv.stderr.String())
	}
	// A client that does not trust the written certificate cannot connect,
	// and says why and what to do (backend/aws checks that it does not
	// retry: a refused certificate is refused again).
	untrusting := sdkClient(t, srv.endpoint, k.id, k.secret, "AWS_CA_BUNDLE=")
	if r := untrusting("list-secrets"); r.code == 0 || !strings.Contains(r.stderr, "secretary: TLS certificate of "+srv.endpoint+" is not trusted: x509: certificate signed by unknown authority") ||
		!strings.Contains(r.stderr, "set AWS_CA_BUNDLE to the CA certificate") {
		t.Fatalf("without the certificate: %d %q; want a certificate error naming AWS_CA_BUNDLE", r.code, r.stderr)
	}
	trusting := sdkClient(t, srv.endpoint, k.id, k.secret, "AWS_CA_BUNDLE="+cert)
	if r := trusting("create-secret", "--name", "tls/one", "--secret-string", "v"); r.code != 0 {
		t.Fatalf("with AWS_CA_BUNDLE: %d %s", r.code, r.stderr)
	}
	if r := trusting("get-secret-value", "--secret-id", "tls/one"); r.code != 0 || !strings.Contains(r.stdout, `"SecretString": "v"`) {
		t.Fatalf("get over TLS: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if code := srv.stop(os.Interrupt); code != 0 {
		t.Fatalf("serve exited %d after SIGINT:\n%s", code, srv.stderr.String())
	}
	if strings.Contains(srv.stderr.String(), "msg=request") {
		t.Fatalf("--quiet logged requests:\n%s", srv.stderr.String())
	}
}

// TestServeWarnsBeyondLoopbackWithoutTLS also checks the endpoint printed
// for a server on every interface: 0.0.0.0 or :: is no address a client
// can connect to, so the loopback address is printed, with a line saying
// that other hosts reach the server too, and the example works as printed.
func TestServeWarnsBeyondLoopbackWithoutTLS(t *testing.T) {
	e := newKeyFileStore(t)
	k := createKey(t, e, "net")
	const warning = "secretary: WARNING: listening on 0.0.0.0:0 without TLS"
	srv := startServe(t, e, "--addr", "0.0.0.0:0")
	if !strings.Contains(srv.stderr.String(), warning) {
		t.Fatalf("no warning:\n%s", srv.stderr.String())
	}
	checkEveryInterface(t, srv, "http://127.0.0.1:")
	if r := sdkClient(t, srv.endpoint, k.id, k.secret)("list-secrets"); r.code != 0 {
		t.Fatalf("list-secrets at the printed endpoint %s: %d %s", srv.endpoint, r.code, r.stderr)
	}
	srv.stop(syscall.SIGTERM)

	// No host at all listens on :: (or 0.0.0.0 without IPv6); the
	// self-signed certificate covers 127.0.0.1, so the printed endpoint
	// works over TLS too.
	cert := filepath.Join(e.dir, "serve.pem")
	srv = startServe(t, e, "--addr", ":0", "--tls-self-signed", "--tls-cert-out", cert)
	if strings.Contains(srv.stderr.String(), "WARNING") {
		t.Fatalf("warned although serving TLS:\n%s", srv.stderr.String())
	}
	checkEveryInterface(t, srv, "https://127.0.0.1:")
	if r := sdkClient(t, srv.endpoint, k.id, k.secret, "AWS_CA_BUNDLE="+cert)("list-secrets"); r.code != 0 {
		t.Fatalf("list-secrets at the printed endpoint %s: %d %s", srv.endpoint, r.code, r.stderr)
	}
	srv.stop(syscall.SIGTERM)
}

// checkEveryInterface checks what serve printed when listening on every
// interface: the endpoint on loopback with the port bound, the same in the
// example command, and a line saying other hosts reach it at that port.
func checkEveryInterface(t *testing.T, srv *serveProc, prefix string) {
	t.Helper()
	out := srv.stderr.String()
	u, err := url.Parse(srv.endpoint)
	if err != nil || !strings.HasPrefix(srv.endpoint, prefix) || u.Port() == "" || u.Port() == "0" {
		t.Fatalf("endpoint %q, want %sPORT with the port bound:\n%s", srv.endpoint, prefix, out)
	}
	if !strings.Contains(out, " --endpoint-url "+srv.endpoint+" ") || !strings.Contains(out, "AWS_ENDPOINT_URL_SECRETS_MANAGER="+srv.endpoint) {
		t.Fatalf("the example command does not use the endpoint %s:\n%s", srv.endpoint, out)
	}
	if want := "\nsecretary: listening on all interfaces: other hosts reach it at this host's name or address, port " + u.Port() + "\n"; !strings.Contains(out, want) {
		t.Fatalf("no line saying it listens on all interfaces (%q):\n%s", want, out)
	}
	if strings.Contains(out, "0.0.0.0:"+u.Port()) || strings.Contains(out, "[::]:"+u.Port()) {
		t.Fatalf("serve printed an address no client can connect to:\n%s", out)
	}
}

// TestServeExampleWithAWSCLI runs the command serve prints, with the key
// filled in, through the official AWS CLI: the first on PATH and Debian's
// (what CI installs), which differ in the endpoint variables they honour.
func TestServeExampleWithAWSCLI(t *testing.T) {
	var clis []string
	if bin, err := exec.LookPath("aws"); err == nil {
		clis = append(clis, bin)
	}
	if fi, err := os.Stat("/usr/bin/aws"); err == nil && !fi.IsDir() && !slices.Contains(clis, "/usr/bin/aws") {
		clis = append(clis, "/usr/bin/aws")
	}
	if len(clis) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI (`aws`) is not installed; CI must install Debian's awscli package")
		}
		t.Skip("skipping: the AWS CLI (`aws`) is not installed (apt-get install awscli); CI runs this test")
	}
	e := newKeyFileStore(t)
	k := createKey(t, e, "cli")
	e.ok("create-secret", "--name", "prod/api", "--secret-string", "k")
	srv := startServe(t, e, "--addr", "127.0.0.1:0")
	line := regexp.MustCompile(`(?m)^  (AWS_ACCESS_KEY_ID=.* aws --endpoint-url \S+ secretsmanager list-secrets)$`).FindStringSubmatch(srv.stderr.String())
	if line == nil {
		t.Fatalf("no example line:\n%s", srv.stderr.String())
	}
	fields := strings.Fields(line[1])
	home := t.TempDir()
	cmdEnv := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"), "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}
	for _, kv := range []string{"PYENV_ROOT", "PYENV_VERSION"} {
		if v, ok := os.LookupEnv(kv); ok {
			cmdEnv = append(cmdEnv, kv+"="+v)
		}
	}
	var argv []string
	for _, f := range fields {
		switch {
		case f == "AWS_ACCESS_KEY_ID=<access-key-id>":
			cmdEnv = append(cmdEnv, "AWS_ACCESS_KEY_ID="+k.id)
		case f == "AWS_SECRET_ACCESS_KEY=<secret-access-key>":
			cmdEnv = append(cmdEnv, "AWS_SECRET_ACCESS_KEY="+k.secret)
		case strings.HasPrefix(f, "AWS_") && strings.Contains(f, "="):
			cmdEnv = append(cmdEnv, f)
		default:
			argv = append(argv, f)
		}
	}
	if len(argv) != 5 || argv[0] != "aws" || argv[1] != "--endpoint-url" || argv[2] != srv.endpoint {
		t.Fatalf("example line %q", line[1])
	}
	for _, bin := range clis {
		cmd := exec.Command(bin, argv[1:]...)
		cmd.Env = cmdEnv
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %s: %v\n%s", bin, line[1], err, stderr.String())
		}
		var out struct{ SecretList []struct{ Name string } }
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out.SecretList) != 1 || out.SecretList[0].Name != "prod/api" {
			t.Fatalf("%s secretsmanager list-secrets printed %s (%v)", bin, stdout.String(), err)
		}
	}
	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}

func TestServeAndAccessKeyInHelp(t *testing.T) {
	e := newKeyFileStore(t)
	r := e.run("", "--help")
	for _, want := range []string{"\n  serve ", "\n  access-key "} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("--help lacks %q:\n%s", want, r.stdout)
		}
	}
	e.fails(252, usageHead+"--tls-cert and --tls-key go together\n", "serve", "--tls-cert", "c.pem")
	e.fails(252, usageHead+"argument action: Invalid choice: \"rotate\" (choose from 'create', 'list', 'delete')\n", "access-key", "rotate")
	e.fails(252, usageHead+"the following arguments are required: --access-key-id\n", "access-key", "delete")
}

// TestServeQuietStillLogsFailedAuthentication: --quiet drops the line per
// request but not a refused signature, which may be an attack.
func TestServeQuietStillLogsFailedAuthentication(t *testing.T) {
	e := newKeyFileStore(t)
	k := createKey(t, e, "app")
	srv := startServe(t, e, "--addr", "127.0.0.1:0", "--quiet")
	if r := sdkClient(t, srv.endpoint, k.id, k.secret)("list-secrets"); r.code != 0 {
		t.Fatalf("list-secrets: %d %s", r.code, r.stderr)
	}
	wrong := createdKey{k.id, strings.Repeat("x", 40)}
	if r := sdkClient(t, srv.endpoint, wrong.id, wrong.secret)("list-secrets"); r.code != 254 {
		t.Fatalf("wrong secret: %d %s", r.code, r.stderr)
	}
	srv.waitFor(`msg="authentication failed"`)
	out := srv.stderr.String()
	if !strings.Contains(out, "key="+k.id+` reason="signature mismatch" error=InvalidSignatureException source=127.0.0.1:`) {
		t.Errorf("the failed authentication is not logged as expected:\n%s", out)
	}
	if strings.Contains(out, "msg=request") {
		t.Errorf("--quiet logged a line per request:\n%s", out)
	}
}
