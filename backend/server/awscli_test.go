package server

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// awsCLI runs the official AWS CLI against the served store, as an
// independent client: its own SigV4 signer, its own JSON parser.
type awsCLI struct {
	t        testing.TB
	bin      string
	endpoint string
	env      []string
}

func newAWSCLI(t testing.TB, s *servedStore) *awsCLI {
	t.Helper()
	// Debian's awscli package (what CI installs, AWS CLI v2) comes first:
	// an `aws` earlier on PATH may be version 1, a different client.
	bin, err := "/usr/bin/aws", error(nil)
	if _, serr := os.Stat(bin); serr != nil {
		bin, err = exec.LookPath("aws")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI (`aws`) is not installed; CI must install Debian's awscli package")
		}
		t.Skip("skipping: the AWS CLI (`aws`) is not installed (apt-get install awscli); CI runs this test")
	}
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_ACCESS_KEY_ID=" + s.keyID,
		"AWS_SECRET_ACCESS_KEY=" + s.secret,
		"AWS_DEFAULT_REGION=local",
		"AWS_REGION=local",
		"AWS_PAGER=",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	// pyenv shims need their root to find the interpreter.
	for _, k := range []string{"PYENV_ROOT", "PYENV_VERSION"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return &awsCLI{t: t, bin: bin, endpoint: s.endpoint, env: env}
}

// run executes `aws --endpoint-url … secretsmanager args…` and decodes its
// JSON output; it fails the test if the command fails.
func (c *awsCLI) run(args ...string) map[string]any {
	c.t.Helper()
	out, stderr, err := c.exec(c.env, args...)
	if err != nil {
		c.t.Fatalf("aws secretsmanager %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		c.t.Fatalf("aws secretsmanager %s printed non-JSON %q: %v", strings.Join(args, " "), out, err)
	}
	return m
}

// fail runs a command that must fail and returns its stderr.
func (c *awsCLI) fail(env []string, args ...string) string {
	c.t.Helper()
	_, stderr, err := c.exec(env, args...)
	if err == nil {
		c.t.Fatalf("aws secretsmanager %s succeeded, want failure", strings.Join(args, " "))
	}
	return stderr
}

func (c *awsCLI) exec(env []string, args ...string) ([]byte, string, error) {
	full := append([]string{"--endpoint-url", c.endpoint, "--output", "json", "secretsmanager"}, args...)
	cmd := exec.Command(c.bin, full...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.String(), err
}

func TestAWSCLIAgainstServedStore(t *testing.T) {
	s := serveLocal(t)
	aws := newAWSCLI(t, s)

	const tok1 = "11111111-1111-4111-8111-111111111111"
	const tok2 = "22222222-2222-4222-8222-222222222222"
	created := aws.run("create-secret", "--name", "prod/payments/postgres",
		"--description", "Payments database credentials",
		"--secret-string", `{"user":"app","password":"first"}`,
		"--client-request-token", tok1,
		"--tags", "Key=team,Value=payments", "Key=env,Value=prod")
	arn, _ := created["ARN"].(string)
	if !strings.HasPrefix(arn, "arn:aws:secretsmanager:") || !strings.Contains(arn, ":secret:prod/payments/postgres-") ||
		created["Name"] != "prod/payments/postgres" || created["VersionId"] != tok1 {
		t.Fatalf("create-secret = %v", created)
	}
	aws.run("create-secret", "--name", "dev/search/api-key", "--secret-string", "dev-key")

	put := aws.run("put-secret-value", "--secret-id", "prod/payments/postgres",
		"--secret-string", `{"user":"app","password":"second"}`, "--client-request-token", tok2)
	if put["VersionId"] != tok2 || !reflect.DeepEqual(put["VersionStages"], []any{"AWSCURRENT"}) || put["ARN"] != arn {
		t.Fatalf("put-secret-value = %v", put)
	}

	versions := aws.run("list-secret-version-ids", "--secret-id", arn)
	if got := stagesByVersion(t, versions["Versions"]); !reflect.DeepEqual(got, map[string]string{tok1: "AWSPREVIOUS", tok2: "AWSCURRENT"}) {
		t.Fatalf("list-secret-version-ids stages = %v (%v)", got, versions)
	}
	if versions["Name"] != "prod/payments/postgres" || versions["ARN"] != arn {
		t.Errorf("list-secret-version-ids = %v", versions)
	}

	// Roll back: AWSCURRENT to the first version; AWSPREVIOUS follows.
	moved := aws.run("update-secret-version-stage", "--secret-id", "prod/payments/postgres",
		"--version-stage", "AWSCURRENT", "--move-to-version-id", tok1, "--remove-from-version-id", tok2)
	if moved["ARN"] != arn || moved["Name"] != "prod/payments/postgres" {
		t.Fatalf("update-secret-version-stage = %v", moved)
	}
	cur := aws.run("get-secret-value", "--secret-id", "prod/payments/postgres", "--version-stage", "AWSCURRENT")
	if cur["SecretString"] != `{"user":"app","password":"first"}` || cur["VersionId"] != tok1 ||
		!reflect.DeepEqual(cur["VersionStages"], []any{"AWSCURRENT"}) {
		t.Fatalf("get-secret-value by stage after rollback = %v", cur)
	}
	if _, ok := cur["CreatedDate"]; !ok {
		t.Errorf("get-secret-value lacks CreatedDate: %v", cur)
	}
	byID := aws.run("get-secret-value", "--secret-id", arn, "--version-id", tok2)
	if byID["SecretString"] != `{"user":"app","password":"second"}` || !reflect.DeepEqual(byID["VersionStages"], []any{"AWSPREVIOUS"}) {
		t.Fatalf("get-secret-value by id = %v", byID)
	}

	desc := aws.run("describe-secret", "--secret-id", "prod/payments/postgres")
	if desc["Description"] != "Payments database credentials" || desc["ARN"] != arn {
		t.Errorf("describe-secret = %v", desc)
	}
	if got := desc["VersionIdsToStages"]; !reflect.DeepEqual(got, map[string]any{tok1: []any{"AWSCURRENT"}, tok2: []any{"AWSPREVIOUS"}}) {
		t.Errorf("VersionIdsToStages = %v", got)
	}
	if got := tagMap(desc["Tags"]); !reflect.DeepEqual(got, map[string]string{"team": "payments", "env": "prod"}) {
		t.Errorf("Tags = %v", got)
	}
	for _, k := range []string{"CreatedDate", "LastChangedDate"} {
		if _, ok := desc[k]; !ok {
			t.Errorf("describe-secret lacks %s: %v", k, desc)
		}
	}

	if got := listNames(aws.run("list-secrets", "--filters", "Key=name,Values=prod/")); !reflect.DeepEqual(got, []string{"prod/payments/postgres"}) {
		t.Errorf("list-secrets name=prod/ = %v", got)
	}
	if got := listNames(aws.run("list-secrets", "--filters", `[{"Key":"tag-value","Values":["payments"]}]`)); !reflect.DeepEqual(got, []string{"prod/payments/postgres"}) {
		t.Errorf("list-secrets tag-value=payments = %v", got)
	}
	if got := listNames(aws.run("list-secrets", "--filters", "Key=name,Values=!prod/")); !reflect.DeepEqual(got, []string{"dev/search/api-key"}) {
		t.Errorf("list-secrets name=!prod/ = %v", got)
	}
	all := aws.run("list-secrets")
	if got := listNames(all); !reflect.DeepEqual(got, []string{"dev/search/api-key", "prod/payments/postgres"}) {
		t.Errorf("list-secrets = %v", got)
	}
	for _, e := range all["SecretList"].([]any) {
		if m := e.(map[string]any); m["Name"] == "prod/payments/postgres" {
			if _, ok := m["SecretVersionsToStages"]; !ok {
				t.Errorf("list entry lacks SecretVersionsToStages: %v", m)
			}
		}
	}

	aws.run("tag-resource", "--secret-id", "dev/search/api-key", "--tags", "Key=owner,Value=search")
	if got := tagMap(aws.run("describe-secret", "--secret-id", "dev/search/api-key")["Tags"]); got["owner"] != "search" {
		t.Errorf("after tag-resource Tags = %v", got)
	}

	del := aws.run("delete-secret", "--secret-id", "dev/search/api-key", "--recovery-window-in-days", "7")
	if del["Name"] != "dev/search/api-key" || del["DeletionDate"] == nil {
		t.Errorf("delete-secret = %v", del)
	}
	if got := listNames(aws.run("list-secrets")); !reflect.DeepEqual(got, []string{"prod/payments/postgres"}) {
		t.Errorf("list-secrets after delete = %v", got)
	}
	if _, ok := aws.run("describe-secret", "--secret-id", "dev/search/api-key")["DeletedDate"]; !ok {
		t.Error("describe-secret of a scheduled secret lacks DeletedDate")
	}
	stderr := aws.fail(aws.env, "get-secret-value", "--secret-id", "dev/search/api-key")
	if !strings.Contains(stderr, "An error occurred (InvalidRequestException) when calling the GetSecretValue operation") {
		t.Errorf("get-secret-value of a deleted secret: %s", stderr)
	}
	restored := aws.run("restore-secret", "--secret-id", "dev/search/api-key")
	if restored["Name"] != "dev/search/api-key" {
		t.Errorf("restore-secret = %v", restored)
	}
	if v := aws.run("get-secret-value", "--secret-id", "dev/search/api-key"); v["SecretString"] != "dev-key" {
		t.Errorf("value after restore = %v", v)
	}

	pw := aws.run("get-random-password", "--password-length", "40", "--exclude-punctuation")
	p, _ := pw["RandomPassword"].(string)
	if len(p) != 40 || strings.ContainsAny(p, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") {
		t.Errorf("get-random-password = %q", p)
	}

	stderr = aws.fail(aws.env, "get-secret-value", "--secret-id", "no/such/secret")
	if !strings.Contains(stderr, "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation") {
		t.Errorf("missing secret: %s", stderr)
	}

	// A request signed with the wrong secret key is refused.
	wrong := append([]string{}, aws.env...)
	for i, kv := range wrong {
		if strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			wrong[i] = "AWS_SECRET_ACCESS_KEY=" + strings.Repeat("x", 40)
		}
	}
	stderr = aws.fail(wrong, "get-secret-value", "--secret-id", "prod/payments/postgres")
	if !strings.Contains(stderr, "(InvalidSignatureException)") || strings.Contains(stderr, "first") {
		t.Errorf("wrong secret key: %s", stderr)
	}
}

func stagesByVersion(t *testing.T, v any) map[string]string {
	t.Helper()
	res := map[string]string{}
	list, _ := v.([]any)
	for _, e := range list {
		m := e.(map[string]any)
		var stages []string
		for _, s := range m["VersionStages"].([]any) {
			stages = append(stages, s.(string))
		}
		res[m["VersionId"].(string)] = strings.Join(stages, ",")
	}
	return res
}

func tagMap(v any) map[string]string {
	res := map[string]string{}
	list, _ := v.([]any)
	for _, e := range list {
		m := e.(map[string]any)
		res[m["Key"].(string)] = m["Value"].(string)
	}
	return res
}

func listNames(m map[string]any) []string {
	var names []string
	list, _ := m["SecretList"].([]any)
	for _, e := range list {
		names = append(names, e.(map[string]any)["Name"].(string))
	}
	sort.Strings(names)
	return names
}
