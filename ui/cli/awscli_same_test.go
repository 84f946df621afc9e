package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// awsCLIBinary finds the official AWS CLI, version 2: the output this
// package must match. Debian's awscli package (what CI installs) comes
// first, since another `aws` earlier on PATH may be version 1, which prints
// dates as epoch numbers and exits 255 for service errors.
func awsCLIBinary(t *testing.T) string {
	t.Helper()
	var found []string
	for _, bin := range []string{"/usr/bin/aws", "aws"} {
		path, err := exec.LookPath(bin)
		if err != nil {
			continue
		}
		out, _ := exec.Command(path, "--version").CombinedOutput()
		version := strings.TrimSpace(string(out))
		if strings.HasPrefix(version, "aws-cli/2.") {
			return path
		}
		found = append(found, fmt.Sprintf("%s is %q", path, version))
	}
	why := "the AWS CLI (`aws`) is not installed"
	if len(found) > 0 {
		why = "this test compares with AWS CLI version 2, and " + strings.Join(found, ", ")
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; CI must install Debian's awscli package (version 2)", why)
	}
	t.Skipf("skipping: %s (apt-get install awscli); CI runs this test", why)
	return ""
}

// awsCLIEnv is the environment of an AWS CLI (or secretary --backend aws)
// client signing with one access key of a served store, and nothing from
// the user's own configuration.
func awsCLIEnv(home, id, secret string) []string {
	return []string{"HOME=" + home, "AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_DEFAULT_REGION=local", "AWS_REGION=local"}
}

// runAWSCLI runs `aws secretsmanager ARGS` against endpoint.
func runAWSCLI(t *testing.T, awsBin, endpoint string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(awsBin, append([]string{"--endpoint-url", endpoint, "secretsmanager"}, args...)...)
	cmd.Env = append(cleanEnviron(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws %q: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// TestAWSCLIAndSecretaryPrintTheSameJSON runs one scenario twice against
// the same served store: once with `aws secretsmanager --endpoint-url`,
// once with `secretary --backend aws --endpoint-url`. Scripts written for
// one must work with the other, so stdout, stderr and exit codes must be
// byte for byte the same, apart from what the scenario itself makes differ
// (each client works on its own secret, so names, ARNs and clock times).
func TestAWSCLIAndSecretaryPrintTheSameJSON(t *testing.T) {
	awsBin := awsCLIBinary(t)
	e := newKeyFileStore(t)
	srv := serveStore(t, e)
	id, secret := srv.KeyID, srv.SecretKey

	home := t.TempDir()
	clientEnv := awsCLIEnv(home, id, secret)
	viaAWSCLI := func(args ...string) result {
		return runAWSCLI(t, awsBin, srv.Endpoint, clientEnv, append([]string{"--output", "json"}, args...)...)
	}
	secretaryEnv := &env{t: t, dir: e.dir, vars: clientEnv}
	viaSecretary := func(args ...string) result {
		return secretaryEnv.run("", append([]string{"--backend", "aws", "--endpoint-url", srv.Endpoint}, args...)...)
	}

	// Clock times differ between the two runs; their format must not.
	dateRE := regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?[+-]\d\d:\d\d"`)
	type side struct {
		name string
		run  func(...string) result
		arn  string
	}
	sides := []*side{{name: "cli/aws", run: viaAWSCLI}, {name: "cli/secretary", run: viaSecretary}}
	normalize := func(sd *side, s string) string {
		if sd.arn != "" {
			s = strings.ReplaceAll(s, sd.arn, "ARN")
		}
		s = strings.ReplaceAll(s, sd.name, "NAME")
		return dateRE.ReplaceAllString(s, `"DATE"`)
	}
	// both runs one command on both sides; {} in args is the side's secret
	// name.
	both := func(args ...string) []result {
		t.Helper()
		var rs []result
		for _, sd := range sides {
			a := make([]string, len(args))
			for i, x := range args {
				a[i] = strings.ReplaceAll(x, "{}", sd.name)
			}
			r := sd.run(a...)
			if sd.arn == "" && r.code == 0 {
				var m map[string]any
				if json.Unmarshal([]byte(r.stdout), &m) == nil {
					if arn, _ := m["ARN"].(string); arn != "" {
						sd.arn = arn
					}
				}
			}
			rs = append(rs, r)
		}
		return rs
	}
	// step runs one command on both sides, checks the AWS CLI's exit code
	// (so a scenario where both fail alike cannot pass unnoticed) and
	// compares what each printed.
	step := func(code int, args ...string) result {
		t.Helper()
		rs := both(args...)
		a, b := rs[0], rs[1]
		if a.code != code {
			t.Fatalf("aws %q exited %d, want %d:\n%s%s", args, a.code, code, a.stdout, a.stderr)
		}
		if a.code != b.code || normalize(sides[0], a.stdout) != normalize(sides[1], b.stdout) || normalize(sides[0], a.stderr) != normalize(sides[1], b.stderr) {
			t.Errorf("%q differs.\naws (exit %d):\n%s%s\nsecretary (exit %d):\n%s%s", args, a.code, a.stdout, a.stderr, b.code, b.stdout, b.stderr)
		}
		return a
	}
	// listed fails unless a list-secrets step found exactly the side's secret.
	listed := func(r result) {
		t.Helper()
		var out struct{ SecretList []struct{ Name string } }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.SecretList) != 1 || out.SecretList[0].Name != "cli/aws" {
			t.Fatalf("list-secrets through the AWS CLI printed %s (%v)", r.stdout, err)
		}
	}
	const tok1, tok2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	// Version ids are per secret, so the two sides can share the tokens.
	step(0, "create-secret", "--name", "{}", "--description", "Payments database", "--secret-string", `{"user":"app","password":"first"}`,
		"--client-request-token", tok1, "--tags", "Key=team,Value=payments", "Key=env,Value=prod")
	step(0, "put-secret-value", "--secret-id", "{}", "--secret-string", `{"user":"app","password":"second"}`, "--client-request-token", tok2)
	step(0, "list-secret-version-ids", "--secret-id", "{}")
	step(0, "update-secret-version-stage", "--secret-id", "{}", "--version-stage", "AWSCURRENT", "--move-to-version-id", tok1, "--remove-from-version-id", tok2)
	step(0, "get-secret-value", "--secret-id", "{}", "--version-stage", "AWSCURRENT")
	step(0, "get-secret-value", "--secret-id", "{}", "--version-id", tok2)
	step(0, "update-secret", "--secret-id", "{}", "--description", "Payments database, rolled back")
	step(0, "describe-secret", "--secret-id", "{}")
	listed(step(0, "list-secrets", "--filters", "Key=name,Values={}", "Key=tag-value,Values=payments"))
	listed(step(0, "list-secrets", "--filters", `[{"Key":"description","Values":["Payments"]},{"Key":"name","Values":["{}"]}]`))
	step(0, "tag-resource", "--secret-id", "{}", "--tags", `[{"Key":"owner","Value":"ops"}]`)
	step(0, "untag-resource", "--secret-id", "{}", "--tag-keys", "env")
	step(0, "describe-secret", "--secret-id", "{}")
	step(0, "delete-secret", "--secret-id", "{}", "--recovery-window-in-days", "7")
	step(254, "get-secret-value", "--secret-id", "{}")
	step(0, "restore-secret", "--secret-id", "{}")
	step(254, "get-secret-value", "--secret-id", "{}/missing")
	step(254, "put-secret-value", "--secret-id", "{}", "--secret-string", "")
	step(254, "delete-secret", "--secret-id", "{}", "--recovery-window-in-days", "3")

	pw := both("get-random-password", "--password-length", "40", "--exclude-punctuation")
	var shapes [2]map[string]any
	for i, r := range pw {
		if err := json.Unmarshal([]byte(r.stdout), &shapes[i]); err != nil || len(shapes[i]["RandomPassword"].(string)) != 40 {
			t.Fatalf("get-random-password printed %q (%v)", r.stdout, err)
		}
		shapes[i]["RandomPassword"] = ""
	}
	if !reflect.DeepEqual(shapes[0], shapes[1]) {
		t.Errorf("get-random-password shapes differ: %v / %v", shapes[0], shapes[1])
	}
}
