package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResourcePolicyCommands drives the resource-policy commands of the real
// binary against a store, directly and through serve with --backend aws
// (the AWS SDK over HTTP): both must print the same JSON and the same
// errors.
func TestResourcePolicyCommands(t *testing.T) {
	e := newKeyFileStore(t)
	srv := serveStore(t, e)
	id, secret := srv.KeyID, srv.SecretKey
	awsEnv := &env{t: t, dir: e.dir, vars: []string{"AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(e.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(e.dir, "none"), "AWS_EC2_METADATA_DISABLED=true"}}
	viaAWS := func(args ...string) result {
		return awsEnv.run("", append([]string{"--backend", "aws", "--region", "local", "--endpoint-url", srv.Endpoint}, args...)...)
	}
	arn := e.ok("create-secret", "--name", "prod/payments/db", "--secret-string", "v")["ARN"].(string)
	account := strings.Split(arn, ":")[4]

	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:user/payments"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	public := strings.Replace(policy, `{"AWS":"arn:aws:iam::`+account+`:user/payments"}`, `"*"`, 1)
	unknownAction := strings.Replace(policy, "GetSecretValue", "GetSecretValues", 1)
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}

	// same runs args directly and through serve and wants one answer.
	same := func(code int, args ...string) result {
		t.Helper()
		direct := e.run("", args...)
		through := viaAWS(args...)
		if direct.code != code || through.code != code {
			t.Fatalf("%q: exit %d/%d, want %d\n%s\n%s", args, direct.code, through.code, code, direct.stderr, through.stderr)
		}
		if direct.stdout != through.stdout || direct.stderr != through.stderr {
			t.Fatalf("%q differs.\nlocal:\n%s%s\naws:\n%s%s", args, direct.stdout, direct.stderr, through.stdout, through.stderr)
		}
		return direct
	}
	want := func(r result, stdout string) {
		t.Helper()
		if r.stdout != stdout {
			t.Fatalf("printed\n%s\nwant\n%s", r.stdout, stdout)
		}
	}
	arnName := "{\n    \"ARN\": \"" + arn + "\",\n    \"Name\": \"prod/payments/db\"\n}\n"

	want(same(0, "get-resource-policy", "--secret-id", "prod/payments/db"), arnName)
	want(same(0, "validate-resource-policy", "--resource-policy", "file://"+file),
		"{\n    \"PolicyValidationPassed\": true,\n    \"ValidationErrors\": []\n}\n")
	r := same(0, "validate-resource-policy", "--secret-id", "prod/payments/db", "--resource-policy", unknownAction)
	if !strings.Contains(r.stdout, `"PolicyValidationPassed": false`) || !strings.Contains(r.stdout, `"CheckName": "INVALID_ACTION"`) ||
		!strings.Contains(r.stdout, `"ErrorMessage": "Statement \"Read\": \"secretsmanager:GetSecretValues\" is not a Secrets Manager action`) {
		t.Fatalf("validate-resource-policy of an unknown action printed\n%s", r.stdout)
	}

	want(same(0, "put-resource-policy", "--secret-id", "prod/payments/db", "--resource-policy", "file://"+file, "--block-public-policy"), arnName)
	r = same(0, "get-resource-policy", "--secret-id", arn)
	if !strings.Contains(r.stdout, `"ResourcePolicy": "{\"Version\":\"2012-10-17\"`) {
		t.Fatalf("get-resource-policy printed\n%s", r.stdout)
	}

	r = same(254, "put-resource-policy", "--secret-id", "prod/payments/db", "--resource-policy", public, "--block-public-policy")
	if r.stderr != "\nAn error occurred (PublicPolicyException) when calling the PutResourcePolicy operation: The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.\n" {
		t.Fatalf("public policy: stderr %q", r.stderr)
	}
	r = same(254, "put-resource-policy", "--secret-id", "prod/payments/db", "--resource-policy", `{"Statement":[`)
	if !strings.HasPrefix(r.stderr, "\nAn error occurred (MalformedPolicyDocumentException) when calling the PutResourcePolicy operation: The resource policy is not valid: The policy is not valid JSON") {
		t.Fatalf("malformed policy: stderr %q", r.stderr)
	}
	if got := e.run("", "get-resource-policy", "--secret-id", "prod/payments/db"); !strings.Contains(got.stdout, `user/payments`) {
		t.Fatalf("a refused put changed the policy:\n%s", got.stdout)
	}

	want(same(0, "delete-resource-policy", "--secret-id", "prod/payments/db"), arnName)
	want(same(0, "get-resource-policy", "--secret-id", "prod/payments/db"), arnName)

	missing := filepath.Join(t.TempDir(), "missing.json")
	r = e.run("", "put-resource-policy", "--secret-id", "prod/payments/db", "--resource-policy", "file://"+missing)
	if r.code != 252 || !strings.Contains(r.stderr, "Error parsing parameter '--resource-policy': Unable to load paramfile file://"+missing) {
		t.Fatalf("missing policy file: %d %q", r.code, r.stderr)
	}
}
