package cli_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend/demo"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// These tests run the real secretary binary against real stores in
// temporary directories, as a script or an operator would.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "secretary-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "secretary")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	// Built as releases are (.goreleaser.yaml): static, without cgo, so
	// the tests and BenchmarkGetProcess run what operators install.
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", binary, "github.com/secretary-sh/secretary")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building secretary:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one finished run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// env is a store and the variables that select and unlock it.
type env struct {
	t    testing.TB
	dir  string
	vars []string
}

// cleanEnviron is the test process's environment without anything that
// would select or unlock a store.
func cleanEnviron() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SECRETARY_") {
			continue
		}
		out = append(out, kv)
	}
	return append(out, "TZ=UTC")
}

// newKeyFileStore creates a store unlocked by a key file through `init`.
func newKeyFileStore(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + filepath.Join(dir, "store.db"), "SECRETARY_KEY_FILE=" + filepath.Join(dir, "key")}}
	r := e.run("", "init")
	if r.code != 0 {
		t.Fatalf("init: code %d, stderr %s", r.code, r.stderr)
	}
	return e
}

// open opens e's store in this process, until the test ends.
func (e *env) open(opts local.Options) *local.Store {
	e.t.Helper()
	return localtest.Open(e.t, filepath.Join(e.dir, "store.db"), local.Credential{KeyFile: filepath.Join(e.dir, "key")}, opts)
}

func (e *env) run(stdin string, args ...string) result {
	e.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cleanEnviron(), e.vars...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			e.t.Fatalf("running secretary %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{out.String(), errb.String(), code}
}

// ok runs a command that must succeed and decodes its JSON output.
func (e *env) ok(args ...string) map[string]any {
	e.t.Helper()
	r := e.run("", args...)
	if r.code != 0 {
		e.t.Fatalf("secretary %q: code %d\nstderr: %s", args, r.code, r.stderr)
	}
	if strings.TrimSpace(r.stdout) == "" {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		e.t.Fatalf("secretary %q: output is not JSON: %v\n%s", args, err, r.stdout)
	}
	return v
}

// fails runs a command that must fail with code and exactly stderr.
func (e *env) fails(code int, stderr string, args ...string) {
	e.t.Helper()
	r := e.run("", args...)
	if r.code != code || r.stderr != stderr {
		e.t.Fatalf("secretary %q: code %d, stderr %q; want code %d, stderr %q", args, r.code, r.stderr, code, stderr)
	}
	if r.stdout != "" {
		e.t.Fatalf("secretary %q: unexpected output on failure: %q", args, r.stdout)
	}
}

const usageHead = "\nusage: secretary [options] <command> [parameters]\nTo see help text, you can run:\n\n  secretary help\n  secretary <command> --help\n\nsecretary: error: "

var (
	arnRE  = regexp.MustCompile(`^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:prod/db-[A-Za-z0-9]{6}$`)
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`)
)

func TestInitWithKeyFile(t *testing.T) {
	e := newKeyFileStore(t)
	for _, name := range []string{"key", "store.db"} {
		fi, err := os.Stat(filepath.Join(e.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	store := filepath.Join(e.dir, "store.db")
	e.fails(253, "\nsecretary: a store already exists at "+store+"\n", "init")

	// The same with flags instead of the environment, flags after the
	// command as the AWS CLI allows.
	dir := t.TempDir()
	flags := &env{t: t, dir: dir}
	other, key := filepath.Join(dir, "other.db"), filepath.Join(dir, "other.key")
	if r := flags.run("", "init", "--store", other, "--key-file", key); r.code != 0 || r.stdout != "Created the secret store "+other+", unlocked by new key file "+key+".\n" {
		t.Fatalf("init with flags: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if fi, err := os.Stat(key); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	flags.ok("--store", other, "--key-file", key, "create-secret", "--name", "x", "--secret-string", "y")
	if r := flags.run("", "get", "x", "--store", other, "--key-file", key); r.stdout != "y" {
		t.Fatalf("get with flags: %q %q", r.stdout, r.stderr)
	}
}

func TestCreateGetAndOutputShape(t *testing.T) {
	e := newKeyFileStore(t)
	created := e.ok("create-secret", "--name", "prod/db", "--description", "Payments database",
		"--secret-string", `{"username":"app","password":"s3cr3t","port":5432}`, "--tags", "Key=env,Value=prod", "Key=team,Value=payments")
	arn, _ := created["ARN"].(string)
	if !arnRE.MatchString(arn) || created["Name"] != "prod/db" || !uuidRE.MatchString(fmt.Sprint(created["VersionId"])) || len(created) != 3 {
		t.Fatalf("create-secret output %v", created)
	}
	r := e.run("", "get-secret-value", "--secret-id", "prod/db")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	// The exact layout of aws secretsmanager get-secret-value: members in
	// the service model's order, four-space indent, ISO 8601 with offset.
	lines := strings.Split(r.stdout, "\n")
	want := []string{`{`, `    "ARN": "` + arn + `",`, `    "Name": "prod/db",`, `    "VersionId": "` + created["VersionId"].(string) + `",`,
		`    "SecretString": "{\"username\":\"app\",\"password\":\"s3cr3t\",\"port\":5432}",`, `    "VersionStages": [`, `        "AWSCURRENT"`, `    ],`}
	if len(lines) < len(want)+3 || !equalLines(lines[:len(want)], want) {
		t.Fatalf("get-secret-value output:\n%s", r.stdout)
	}
	date := strings.TrimSuffix(strings.TrimPrefix(lines[len(want)], `    "CreatedDate": "`), `"`)
	if !timeRE.MatchString(date) || lines[len(want)+1] != "}" {
		t.Fatalf("CreatedDate line %q", lines[len(want)])
	}
	d := e.ok("describe-secret", "--secret-id", arn)
	if d["Description"] != "Payments database" || d["Name"] != "prod/db" || fmt.Sprint(d["Tags"]) != "[map[Key:env Value:prod] map[Key:team Value:payments]]" {
		t.Fatalf("describe-secret %v", d)
	}
	for _, absent := range []string{"RotationEnabled", "DeletedDate", "KmsKeyId", "SecretString"} {
		if _, ok := d[absent]; ok {
			t.Fatalf("describe-secret shows %s: %v", absent, d)
		}
	}
	// Scripts: the bare value, or one field, with no newline.
	if r := e.run("", "get", "prod/db", "--field", "password"); r.code != 0 || r.stdout != "s3cr3t" {
		t.Fatalf("get --field password: %q %q", r.stdout, r.stderr)
	}
	if r := e.run("", "get", "prod/db", "--field", "port"); r.stdout != "5432" {
		t.Fatalf("get --field port: %q", r.stdout)
	}
	if r := e.run("", "get", "prod/db"); r.stdout != `{"username":"app","password":"s3cr3t","port":5432}` {
		t.Fatalf("get: %q", r.stdout)
	}
	e.fails(255, "\nsecretary: prod/db has no field \"host\"\n", "get", "prod/db", "--field", "host")
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestVersionsLabelsAndRollback(t *testing.T) {
	e := newKeyFileStore(t)
	v1 := e.ok("create-secret", "--name", "prod/db", "--secret-string", "one")["VersionId"].(string)
	put := e.ok("put-secret-value", "--secret-id", "prod/db", "--secret-string", "two")
	v2 := put["VersionId"].(string)
	if fmt.Sprint(put["VersionStages"]) != "[AWSCURRENT]" {
		t.Fatalf("put-secret-value %v", put)
	}
	token := "5f1c2e9a-0000-4000-8000-000000000001"
	staged := e.ok("put-secret-value", "--secret-id", "prod/db", "--secret-string", "three", "--client-request-token", token, "--version-stages", "blue", "green")
	if staged["VersionId"] != token || fmt.Sprint(staged["VersionStages"]) != "[blue green]" {
		t.Fatalf("put with stages %v", staged)
	}
	list := e.ok("list-secret-version-ids", "--secret-id", "prod/db")
	stages := map[string]string{}
	for _, v := range list["Versions"].([]any) {
		m := v.(map[string]any)
		stages[m["VersionId"].(string)] = fmt.Sprint(m["VersionStages"])
	}
	if stages[v1] != "[AWSPREVIOUS]" || stages[v2] != "[AWSCURRENT]" || stages[token] != "[blue green]" {
		t.Fatalf("versions %v", stages)
	}
	// Roll back: AWSCURRENT to v1, AWSPREVIOUS follows to v2.
	e.ok("update-secret-version-stage", "--secret-id", "prod/db", "--version-stage", "AWSCURRENT", "--move-to-version-id", v1, "--remove-from-version-id", v2)
	if r := e.run("", "get", "prod/db"); r.stdout != "one" {
		t.Fatalf("after rollback get = %q", r.stdout)
	}
	if r := e.run("", "get", "prod/db", "--version-stage", "AWSPREVIOUS"); r.stdout != "two" {
		t.Fatalf("AWSPREVIOUS = %q", r.stdout)
	}
	if r := e.run("", "get", "prod/db", "--version-id", token); r.stdout != "three" {
		t.Fatalf("by id = %q", r.stdout)
	}
	e.fails(254, "\nAn error occurred (InvalidRequestException) when calling the GetSecretValue operation: "+
		mustMessage(t, e, "get-secret-value", "--secret-id", "prod/db", "--version-id", token, "--version-stage", "AWSCURRENT")+"\n",
		"get-secret-value", "--secret-id", "prod/db", "--version-id", token, "--version-stage", "AWSCURRENT")
	// update-secret with a value makes a new AWSCURRENT.
	up := e.ok("update-secret", "--secret-id", "prod/db", "--description", "d", "--secret-string", "four")
	if !uuidRE.MatchString(fmt.Sprint(up["VersionId"])) {
		t.Fatalf("update-secret %v", up)
	}
	if r := e.run("", "get", "prod/db"); r.stdout != "four" {
		t.Fatalf("after update get = %q", r.stdout)
	}
}

// mustMessage runs a failing command and returns the message part of its
// AWS-style error line, so a test can check the line's exact shape.
func mustMessage(t *testing.T, e *env, args ...string) string {
	t.Helper()
	r := e.run("", args...)
	re := regexp.MustCompile(`^\nAn error occurred \(\w+\) when calling the \w+ operation: (.+)\n$`)
	m := re.FindStringSubmatch(r.stderr)
	if m == nil || r.code != 254 {
		t.Fatalf("secretary %q: code %d, stderr %q", args, r.code, r.stderr)
	}
	return m[1]
}

func TestServiceErrors(t *testing.T) {
	e := newKeyFileStore(t)
	e.fails(254, "\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.\n",
		"get-secret-value", "--secret-id", "missing")
	e.fails(254, "\nAn error occurred (ResourceNotFoundException) when calling the DescribeSecret operation: Secrets Manager can't find the specified secret.\n",
		"describe-secret", "--secret-id", "missing")
	e.ok("create-secret", "--name", "dup")
	msg := mustMessage(t, e, "create-secret", "--name", "dup")
	if !strings.Contains(msg, "dup") {
		t.Fatalf("ResourceExistsException message %q", msg)
	}
	r := e.run("", "create-secret", "--name", "dup")
	if !strings.HasPrefix(r.stderr, "\nAn error occurred (ResourceExistsException) when calling the CreateSecret operation: ") {
		t.Fatalf("stderr %q", r.stderr)
	}
	r = e.run("", "delete-secret", "--secret-id", "dup", "--recovery-window-in-days", "3")
	if r.code != 254 || !strings.HasPrefix(r.stderr, "\nAn error occurred (InvalidParameterException) when calling the DeleteSecret operation: ") {
		t.Fatalf("window 3: %d %q", r.code, r.stderr)
	}
	r = e.run("", "put-secret-value", "--secret-id", "dup", "--secret-string", strings.Repeat("x", 65537))
	if r.code != 254 || !strings.Contains(r.stderr, "when calling the PutSecretValue operation") {
		t.Fatalf("oversized: %d %q", r.code, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	e := newKeyFileStore(t)
	e.fails(252, usageHead+"the following arguments are required: --secret-id\n", "get-secret-value")
	e.fails(252, usageHead+"Unknown options: --bogus\n", "describe-secret", "--secret-id", "x", "--bogus")
	e.fails(252, usageHead+"argument command: Invalid choice: \"frobnicate\"; run `secretary help` for the commands\n", "frobnicate")
	e.fails(252, usageHead+"argument --max-results: invalid integer value: \"many\"\n", "list-secrets", "--max-results", "many")
	e.fails(252, usageHead+"argument --theme: invalid choice: \"pink\" (choose from 'auto', 'dark', 'light', 'mono')\n", "--theme", "pink", "list-secrets")
	e.fails(252, usageHead+"argument --output: Invalid choice, valid choices are:\n\n"+
		"json                                     | text                                    \n"+
		"table                                    | yaml                                    \n"+
		"yaml-stream                             \n\n", "list-secrets", "--output", "xml")
	if r := e.run("", "get-secret-value", "--help"); r.code != 0 || !strings.Contains(r.stdout, "--secret-id VALUE") {
		t.Fatalf("--help: %d %q", r.code, r.stdout)
	}
	if r := e.run("", "help"); r.code != 0 || !strings.Contains(r.stdout, "list-secret-version-ids") || !strings.Contains(r.stdout, "SECRETARY_PASSPHRASE") {
		t.Fatalf("help: %d %q", r.code, r.stdout)
	}
}

func TestNoStore(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "none.db")
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store}}
	e.fails(253, "\nsecretary: no secret store at "+store+"; create one with `secretary init` (or choose one with --store or SECRETARY_STORE)\n",
		"list-secrets")
}

// A file that is not a store is reported, naming it once, before anything
// asks for a passphrase: with no credential at all, the message is about the
// file, not about the missing passphrase.
func TestDamagedStoreBeforeAnyPrompt(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	if err := os.WriteFile(store, []byte("not a database at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "\nsecretary: " + store + ": the store file is damaged or is not a secretary store (not an SQLite database: 22 bytes, wrong header)\n"
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store}}
	e.fails(253, want, "list-secrets")
	withPass := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_PASSPHRASE=x"}}
	withPass.fails(253, want, "get", "app/x")
	// The console, too, says so instead of showing an unlock screen.
	if r := e.run(""); r.code != 253 || r.stderr != want {
		t.Fatalf("console on a damaged store: code %d, stderr %q", r.code, r.stderr)
	}
}

// No AWS credentials is a configuration problem (253, as the AWS CLI
// says), reported at once with what to do, not a service failure.
func TestAWSWithoutCredentials(t *testing.T) {
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vars: []string{"HOME=" + dir, "AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=", "AWS_SESSION_TOKEN="}}
	r := e.run("", "--backend", "aws", "--region", "eu-west-1", "list-secrets")
	if r.code != 253 || !strings.HasPrefix(r.stderr, "\nsecretary: no AWS credentials found: ") || r.stdout != "" {
		t.Fatalf("code %d, stderr %q, stdout %q", r.code, r.stderr, r.stdout)
	}
}

// TestAWSSDKLogsStayOffTheTerminal: on a host whose instance metadata
// service refuses tokens (403), the SDK logs a warning before it falls
// back; that line must not reach stderr, where it would land in the middle
// of the console's screen.
func TestAWSSDKLogsStayOffTheTerminal(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer imds.Close()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vars: []string{"HOME=" + dir, "AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds.URL,
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=", "AWS_SESSION_TOKEN="}}
	r := e.run("", "--backend", "aws", "--region", "eu-west-1", "list-secrets")
	if r.code != 253 || !strings.HasPrefix(r.stderr, "\nsecretary: no AWS credentials found: ") {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "WARN") || strings.Contains(r.stderr, "SDK ") {
		t.Fatalf("the SDK's log reached stderr: %q", r.stderr)
	}
}

func TestListFiltersPagingAndDeletion(t *testing.T) {
	e := newKeyFileStore(t)
	for _, n := range []string{"prod/a", "prod/b", "dev/c", "staging/d"} {
		e.ok("create-secret", "--name", n, "--tags", "Key=env,Value="+strings.Split(n, "/")[0])
	}
	names := func(out map[string]any) string {
		var ns []string
		for _, s := range out["SecretList"].([]any) {
			ns = append(ns, s.(map[string]any)["Name"].(string))
		}
		return strings.Join(ns, ",")
	}
	if got := names(e.ok("list-secrets", "--filters", "Key=name,Values=prod/,dev/", "--sort-by", "name")); got != "dev/c,prod/a,prod/b" {
		t.Fatalf("shorthand filter: %s", got)
	}
	if got := names(e.ok("list-secrets", "--filters", `[{"Key":"tag-value","Values":["staging"]}]`)); got != "staging/d" {
		t.Fatalf("JSON filter: %s", got)
	}
	if got := names(e.ok("list-secrets", "--filters", "Key=name,Values=!prod", "--sort-by", "name")); got != "dev/c,staging/d" {
		t.Fatalf("negated filter: %s", got)
	}
	// Without --max-results every page is read; with it, one page and a token.
	if got := names(e.ok("list-secrets", "--sort-by", "name")); got != "dev/c,prod/a,prod/b,staging/d" {
		t.Fatalf("all: %s", got)
	}
	page := e.ok("list-secrets", "--max-results", "1", "--sort-by", "name")
	if names(page) != "dev/c" || page["NextToken"] == nil {
		t.Fatalf("one page: %v", page)
	}
	next := e.ok("list-secrets", "--max-results", "1", "--sort-by", "name", "--next-token", page["NextToken"].(string))
	if names(next) != "prod/a" {
		t.Fatalf("second page: %v", next)
	}
	del := e.ok("delete-secret", "--secret-id", "prod/a", "--recovery-window-in-days", "7")
	if !timeRE.MatchString(fmt.Sprint(del["DeletionDate"])) {
		t.Fatalf("delete-secret %v", del)
	}
	if got := names(e.ok("list-secrets", "--sort-by", "name")); got != "dev/c,prod/b,staging/d" {
		t.Fatalf("after delete: %s", got)
	}
	if got := names(e.ok("list-secrets", "--sort-by", "name", "--include-planned-deletion")); got != "dev/c,prod/a,prod/b,staging/d" {
		t.Fatalf("including planned deletion: %s", got)
	}
	e.ok("restore-secret", "--secret-id", "prod/a")
	e.ok("delete-secret", "--secret-id", "prod/b", "--force-delete-without-recovery")
	if got := names(e.ok("list-secrets", "--sort-by", "name", "--include-planned-deletion")); got != "dev/c,prod/a,staging/d" {
		t.Fatalf("after restore and force delete: %s", got)
	}
	if out := e.ok("list-secrets", "--filters", "Key=name,Values=nothing"); fmt.Sprint(out) != "map[SecretList:[]]" {
		t.Fatalf("empty list: %v", out)
	}
}

func TestTagsBatchBinaryAndPasswords(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "svc/a", "--secret-string", "A")
	if r := e.run("", "tag-resource", "--secret-id", "svc/a", "--tags", "Key=env,Value=prod", `{"Key":"team","Value":"x"}`); r.code != 0 || r.stdout != "" {
		t.Fatalf("tag-resource: %d %q %q", r.code, r.stdout, r.stderr)
	}
	e.ok("untag-resource", "--secret-id", "svc/a", "--tag-keys", "team")
	if d := e.ok("describe-secret", "--secret-id", "svc/a"); fmt.Sprint(d["Tags"]) != "[map[Key:env Value:prod]]" {
		t.Fatalf("tags %v", d["Tags"])
	}
	raw := []byte{0, 1, 2, 0xff, '\n'}
	file := filepath.Join(e.dir, "blob")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	e.ok("create-secret", "--name", "svc/tls", "--secret-binary", "fileb://"+file)
	if r := e.run("", "get", "svc/tls"); r.stdout != string(raw) {
		t.Fatalf("binary get: %q", r.stdout)
	}
	if v := e.ok("get-secret-value", "--secret-id", "svc/tls"); v["SecretBinary"] != base64.StdEncoding.EncodeToString(raw) {
		t.Fatalf("SecretBinary %v", v["SecretBinary"])
	}
	e.ok("create-secret", "--name", "svc/b64", "--secret-binary", base64.StdEncoding.EncodeToString([]byte("hi")))
	if r := e.run("", "get", "svc/b64"); r.stdout != "hi" {
		t.Fatalf("base64 binary: %q", r.stdout)
	}
	txt := filepath.Join(e.dir, "value.json")
	if err := os.WriteFile(txt, []byte(`{"k":"from file"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e.ok("create-secret", "--name", "svc/file", "--secret-string", "file://"+txt)
	if r := e.run("", "get", "svc/file", "--field", "k"); r.stdout != "from file" {
		t.Fatalf("file://: %q", r.stdout)
	}
	b := e.ok("batch-get-secret-value", "--secret-id-list", "svc/a", "svc/file", "missing")
	vals := b["SecretValues"].([]any)
	errs := b["Errors"].([]any)
	if len(vals) != 2 || len(errs) != 1 || errs[0].(map[string]any)["ErrorCode"] != "ResourceNotFoundException" {
		t.Fatalf("batch-get-secret-value %v", b)
	}
	pw := e.ok("get-random-password", "--password-length", "24", "--exclude-punctuation", "--exclude-characters", "abc")
	p := pw["RandomPassword"].(string)
	if len(p) != 24 || strings.ContainsAny(p, "abc!#$%&()*+,-./:;<=>?@[]^_`{|}~") {
		t.Fatalf("password %q", p)
	}
}

func TestExec(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("exec test uses /bin/sh")
	}
	// The store opens with its key file; the other variables that unlock
	// a store are set as well and must still not reach the child.
	e := newKeyFileStore(t)
	e.vars = append(e.vars, "SECRETARY_PASSPHRASE=correct horse battery staple",
		"SECRETARY_KEY=c2l4dGVlbiBieXRlcyBsb25n", "SECRETARY_NEW_PASSPHRASE=another one")
	e.ok("create-secret", "--name", "prod/payments/db", "--secret-string", `{"username":"app","password":"pa ss","port":5432}`)
	e.ok("create-secret", "--name", "prod/payments/stripe-api-key", "--secret-string", "sk_live_1")
	script := `printf '%s|%s|%s|%s|%s%s%s' "$USERNAME" "$PASSWORD" "$PORT" "$STRIPE_API_KEY" "${SECRETARY_PASSPHRASE-unset}" "${SECRETARY_KEY-}" "${SECRETARY_NEW_PASSPHRASE-}"; exit 42`
	r := e.run("", "exec", "--secret", "prod/payments/db", "--secret", "prod/payments/stripe-api-key", "--", "/bin/sh", "-c", script)
	if r.code != 42 || r.stdout != "app|pa ss|5432|sk_live_1|unset" {
		t.Fatalf("exec: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	e.ok("create-secret", "--name", "other/db", "--secret-string", `{"USERNAME":"root"}`)
	e.fails(255, "\nsecretary: environment variable USERNAME would be set by both key \"username\" of prod/payments/db and key \"USERNAME\" of other/db\n",
		"exec", "--secret", "prod/payments/db", "--secret", "other/db", "--", "/bin/true")
	e.fails(252, usageHead+"no command given: secretary exec --secret NAME -- COMMAND [ARG...]\n", "exec", "--secret", "prod/payments/db")
}

// TestExecRefusesStartupVariables: a secret that names the file bash
// sources first, or the dynamic loader's preload, runs nothing; the
// operator can accept one name or prefix them all; the store's location
// and key file stay behind unless kept.
func TestExecRefusesStartupVariables(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("exec test uses /bin/sh")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bash is needed for the BASH_ENV test")
		}
		t.Skip("bash is not installed")
	}
	e := newKeyFileStore(t)
	marker := filepath.Join(e.dir, "ran")
	evil := filepath.Join(e.dir, "evil.sh")
	if err := os.WriteFile(evil, []byte("echo pwned > "+marker+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	val, _ := json.Marshal(map[string]string{"BASH_ENV": evil, "token": "t0k"})
	e.ok("create-secret", "--name", "app", "--secret-string", string(val))
	ran := filepath.Join(e.dir, "child-ran")
	r := e.run("", "exec", "--secret", "app", "--", bash, "-c", "touch "+ran)
	if r.code != 255 || !strings.Contains(r.stderr, `key "BASH_ENV" of app would set BASH_ENV`) || !strings.Contains(r.stderr, "--allow-env BASH_ENV") {
		t.Fatalf("BASH_ENV: code %d, stderr %q", r.code, r.stderr)
	}
	for _, f := range []string{marker, ran} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Fatalf("%s exists: something ran (%v)", f, err)
		}
	}
	r = e.run("", "exec", "--secret", "app", "--prefix", "APP_", "--", bash, "-c", `printf '%s|%s|%s|%s' "$APP_BASH_ENV" "$APP_TOKEN" "${SECRETARY_STORE-unset}" "${SECRETARY_KEY_FILE-unset}"`)
	if r.code != 0 || r.stdout != evil+"|t0k|unset|unset" {
		t.Fatalf("prefix: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatalf("APP_BASH_ENV was sourced: %v", err)
	}
	r = e.run("", "exec", "--secret", "app", "--allow-env", "BASH_ENV", "--keep-store-env", "--", bash, "-c", `printf '%s' "$SECRETARY_STORE"`)
	if r.code != 0 || r.stdout != filepath.Join(e.dir, "store.db") {
		t.Fatalf("allowed: code %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("with --allow-env BASH_ENV the operator's choice was not honoured: %v", err)
	}
	lib, _ := json.Marshal(map[string]string{"ld-preload": "/nonexistent.so"})
	e.ok("create-secret", "--name", "lib", "--secret-string", string(lib))
	if r := e.run("", "exec", "--secret", "lib", "--", "/bin/true"); r.code != 255 || !strings.Contains(r.stderr, "would set LD_PRELOAD") {
		t.Fatalf("LD_PRELOAD: code %d, stderr %q", r.code, r.stderr)
	}
}

func TestWrongPassphraseAndNoTerminal(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	e := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_PASSPHRASE=right"}}
	if r := e.run("", "init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	before, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	wrong := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store, "SECRETARY_PASSPHRASE=wrong"}}
	wrong.fails(253, "\nsecretary: "+store+": the passphrase or key does not unlock this store\n", "list-secrets")
	after, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("a wrong passphrase changed the store file")
	}
	locked := &env{t: t, dir: dir, vars: []string{"SECRETARY_STORE=" + store}}
	locked.fails(253, "\nsecretary: the store is locked and there is no terminal to ask for its passphrase: use --key-file, SECRETARY_KEY_FILE, SECRETARY_KEY or SECRETARY_PASSPHRASE\n", "list-secrets")
}

func TestDemoData(t *testing.T) {
	e := newKeyFileStore(t)
	const n, seed = 300, 5
	out := e.ok("demo-data", "--secrets", fmt.Sprint(n), "--seed", fmt.Sprint(seed))
	var versions, scheduled int
	for _, p := range demo.Plan(seed, n) {
		versions += p.Versions
		if p.DeleteInDays > 0 {
			scheduled++
		}
	}
	if out["Secrets"] != float64(n) || out["Versions"] != float64(versions) || out["ScheduledForDeletion"] != float64(scheduled) {
		t.Fatalf("demo-data output %v, want %d secrets, %d versions, %d scheduled", out, n, versions, scheduled)
	}
	count := func(args ...string) int {
		return len(e.ok(append([]string{"list-secrets"}, args...)...)["SecretList"].([]any))
	}
	if got := count(); got != n-scheduled {
		t.Fatalf("list-secrets shows %d, want %d", got, n-scheduled)
	}
	if got := count("--include-planned-deletion"); got != n {
		t.Fatalf("with planned deletion %d, want %d", got, n)
	}
	if got := count("--filters", "Key=tag-key,Values=cost-center"); got != n-scheduled {
		t.Fatalf("tagged with cost-center: %d", got)
	}
	// Listing everything streams page after page; it must hold what
	// reading the pages one by one holds, in the same order.
	names := func(list any) []string {
		var out []string
		for _, s := range list.([]any) {
			out = append(out, s.(map[string]any)["Name"].(string))
		}
		return out
	}
	all := names(e.ok("list-secrets", "--sort-by", "name")["SecretList"])
	var paged []string
	for token := ""; ; {
		args := []string{"list-secrets", "--sort-by", "name", "--max-results", "100"}
		if token != "" {
			args = append(args, "--next-token", token)
		}
		page := e.ok(args...)
		paged = append(paged, names(page["SecretList"])...)
		next, _ := page["NextToken"].(string)
		if next == "" {
			break
		}
		token = next
	}
	if !equalLines(all, paged) || len(all) != n-scheduled {
		t.Fatalf("streamed listing (%d names) differs from the pages read one by one (%d names)", len(all), len(paged))
	}
}

func TestVersionFlag(t *testing.T) {
	e := &env{t: t}
	r := e.run("", "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "secretary ") {
		t.Fatalf("--version: %d %q", r.code, r.stdout)
	}
}

// BenchmarkGetProcess measures `secretary get NAME` as a whole process with
// a key file: exec, unlock, read, decrypt, print, exit. The time is this
// machine's; the budget is a ratio to a hello world, which
// BenchmarkStartupRatio measures.
func BenchmarkGetProcess(b *testing.B) {
	e := newKeyFileStore(b)
	e.ok("create-secret", "--name", "prod/payments/postgres", "--secret-string", `{"username":"app","password":"x"}`)
	environ := append(cleanEnviron(), e.vars...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(binary, "get", "prod/payments/postgres", "--field", "password")
		cmd.Env = environ
		out, err := cmd.Output()
		if err != nil || string(out) != "x" {
			b.Fatalf("get: %v %q", err, out)
		}
	}
}
