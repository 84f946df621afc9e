package cli_test

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// serveStore serves e's store over the Secrets Manager API, signed with one
// access key, until the test ends.
func serveStore(t *testing.T, e *env) *localtest.Served {
	t.Helper()
	// Opened before Serve, so closed after it: the server stops before
	// the store closes.
	return localtest.Serve(t, e.open(local.Options{}))
}

// TestAWSBackendPrintsTheSameJSON runs the same commands against one store
// directly and through --backend aws (the AWS SDK, over HTTP, to the
// Secrets Manager API served from that store): the output must not differ.
func TestAWSBackendPrintsTheSameJSON(t *testing.T) {
	e := newKeyFileStore(t)
	srv := serveStore(t, e)
	id, secret := srv.KeyID, srv.SecretKey
	awsEnv := &env{t: t, dir: e.dir, vars: []string{"AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(e.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(e.dir, "none"), "AWS_EC2_METADATA_DISABLED=true"}}
	viaAWS := func(args ...string) result {
		return awsEnv.run("", append([]string{"--backend", "aws", "--region", "local", "--endpoint-url", srv.Endpoint}, args...)...)
	}

	v1 := e.ok("create-secret", "--name", "prod/db", "--description", "d", "--secret-string", `{"password":"one"}`, "--tags", "Key=env,Value=prod")["VersionId"].(string)
	r := viaAWS("put-secret-value", "--secret-id", "prod/db", "--secret-string", `{"password":"two"}`)
	if r.code != 0 {
		t.Fatalf("put-secret-value through aws: %d %s", r.code, r.stderr)
	}
	e.ok("update-secret-version-stage", "--secret-id", "prod/db", "--version-stage", "blue", "--move-to-version-id", v1)
	e.ok("create-secret", "--name", "prod/blob", "--secret-binary", "AAEC/w==")
	// Read once so LastAccessedDate is set before the comparison.
	e.ok("get-secret-value", "--secret-id", "prod/db")

	for _, args := range [][]string{
		{"get-secret-value", "--secret-id", "prod/db"},
		{"get-secret-value", "--secret-id", "prod/db", "--version-stage", "AWSPREVIOUS"},
		{"get-secret-value", "--secret-id", "prod/blob"},
		{"describe-secret", "--secret-id", "prod/db"},
		{"list-secret-version-ids", "--secret-id", "prod/db", "--include-deprecated"},
		{"list-secrets", "--filters", "Key=name,Values=prod/", "--sort-by", "name"},
		{"batch-get-secret-value", "--secret-id-list", "prod/db", "missing"},
	} {
		direct := e.run("", args...)
		through := viaAWS(args...)
		if direct.code != 0 || through.code != 0 {
			t.Fatalf("%q: codes %d/%d\n%s\n%s", args, direct.code, through.code, direct.stderr, through.stderr)
		}
		if direct.stdout != through.stdout {
			t.Errorf("%q differs.\nlocal:\n%s\naws:\n%s", args, direct.stdout, through.stdout)
		}
	}
	direct := e.run("", "get-secret-value", "--secret-id", "missing")
	through := viaAWS("get-secret-value", "--secret-id", "missing")
	if direct.code != 254 || through.code != 254 || direct.stderr != through.stderr {
		t.Fatalf("error line: local %d %q, aws %d %q", direct.code, direct.stderr, through.code, through.stderr)
	}
	if !regexp.MustCompile(`^\nAn error occurred \(ResourceNotFoundException\) when calling the GetSecretValue operation: `).MatchString(through.stderr) {
		t.Fatalf("aws error line %q", through.stderr)
	}
}
