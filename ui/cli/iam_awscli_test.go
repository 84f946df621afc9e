package cli_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestAWSCLIEnforcesPoliciesOfTwoUsers serves a store with the real
// `secretary serve` and drives it with AWS CLI version 2 under two keys:
// one of a user limited to reading prod/payments/* secrets tagged
// team=payments, one made without a user (the built-in administrator).
// The AWS CLI prints AWS's error lines, so the refusals are compared with
// AWS's exact wording, and BatchGetSecretValue reports each secret the
// user may not read under Errors.
func TestAWSCLIEnforcesPoliciesOfTwoUsers(t *testing.T) {
	awsBin := awsCLIBinary(t)
	e := newKeyFileStore(t)
	admin := createKey(t, e, "ops")
	e.ok("iam", "create-user", "--user-name", "payments")
	e.ok("iam", "put-user-policy", "--user-name", "payments", "--policy-name", "read-payments", "--policy-document",
		`{"Version":"2012-10-17","Statement":[`+
			`{"Sid":"ReadByTag","Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"arn:aws:secretsmanager:*:*:secret:prod/payments/*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"payments"}}},`+
			`{"Sid":"Batch","Effect":"Allow","Action":"secretsmanager:BatchGetSecretValue","Resource":"*"}]}`)
	r := e.run("", "access-key", "create", "--user-name", "payments")
	var created struct{ AccessKey map[string]string }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &created) != nil {
		t.Fatalf("access-key create --user-name payments: %d %s %s", r.code, r.stdout, r.stderr)
	}
	srv := startServe(t, e, "--addr", "127.0.0.1:0")

	adminHome, userHome := t.TempDir(), t.TempDir()
	adminEnv := awsCLIEnv(adminHome, admin.id, admin.secret)
	userEnv := awsCLIEnv(userHome, created.AccessKey["AccessKeyId"], created.AccessKey["SecretAccessKey"])
	asAdmin := func(args ...string) result {
		t.Helper()
		return runAWSCLI(t, awsBin, srv.endpoint, adminEnv, append([]string{"--output", "json"}, args...)...)
	}
	asUser := func(args ...string) result {
		t.Helper()
		return runAWSCLI(t, awsBin, srv.endpoint, userEnv, append([]string{"--output", "json"}, args...)...)
	}
	mustOK := func(r result, what string) map[string]any {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("%s: exit %d, %s", what, r.code, r.stderr)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%s printed %q: %v", what, r.stdout, err)
		}
		return out
	}

	// The administrator creates the secrets: two under prod/payments/, one
	// of them tagged for another team, and one elsewhere.
	for _, s := range [][2]string{{"prod/payments/db", "payments"}, {"prod/payments/legacy", "web"}, {"prod/orders/db", "orders"}} {
		mustOK(asAdmin("create-secret", "--name", s[0], "--secret-string", "value-of-"+s[0], "--tags", "Key=team,Value="+s[1]), "admin create-secret "+s[0])
	}

	// The user reads what its policy allows.
	if v := mustOK(asUser("get-secret-value", "--secret-id", "prod/payments/db"), "user get-secret-value"); v["SecretString"] != "value-of-prod/payments/db" {
		t.Fatalf("user read %v", v)
	}
	mustOK(asUser("describe-secret", "--secret-id", "prod/payments/db"), "user describe-secret")

	const who = "User: arn:aws:iam::000000000000:user/payments is not authorized to perform: "
	denied := func(op, action, resource string) string {
		return "\nAn error occurred (AccessDeniedException) when calling the " + op + " operation: " + who + action +
			" on resource: " + resource + " because no identity-based policy allows the " + action + " action\n"
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"get-secret-value", "--secret-id", "prod/payments/legacy"},
			denied("GetSecretValue", "secretsmanager:GetSecretValue", "prod/payments/legacy")},
		{[]string{"get-secret-value", "--secret-id", "prod/orders/db"},
			denied("GetSecretValue", "secretsmanager:GetSecretValue", "prod/orders/db")},
		{[]string{"put-secret-value", "--secret-id", "prod/payments/db", "--secret-string", "mine"},
			denied("PutSecretValue", "secretsmanager:PutSecretValue", "prod/payments/db")},
		{[]string{"list-secrets"},
			denied("ListSecrets", "secretsmanager:ListSecrets", "*")},
		{[]string{"delete-secret", "--secret-id", "prod/payments/db", "--force-delete-without-recovery"},
			denied("DeleteSecret", "secretsmanager:DeleteSecret", "prod/payments/db")},
	} {
		got := asUser(c.args...)
		if got.code != 254 || got.stdout != "" || got.stderr != c.want {
			t.Errorf("user %q: exit %d, stdout %q, stderr %q\nwant exit 254, stderr %q", c.args, got.code, got.stdout, got.stderr, c.want)
		}
	}

	// The administrator is refused nothing.
	mustOK(asAdmin("put-secret-value", "--secret-id", "prod/payments/db", "--secret-string", "value-of-prod/payments/db-2"), "admin put-secret-value")
	if v := mustOK(asAdmin("get-secret-value", "--secret-id", "prod/orders/db"), "admin get-secret-value"); v["SecretString"] != "value-of-prod/orders/db" {
		t.Fatalf("admin read %v", v)
	}
	if l := mustOK(asAdmin("list-secrets"), "admin list-secrets"); len(l["SecretList"].([]any)) != 3 {
		t.Fatalf("admin list-secrets: %v", l)
	}

	// BatchGetSecretValue: the call is allowed, each secret the user may
	// not read is an error of its own. AWS CLI 2.9 predates the operation;
	// its add-model command takes the operation's shapes from AWS's API
	// model, under a service name of its own.
	model := filepath.Join("testdata", "batch-get-secret-value-model.json")
	abs, err := filepath.Abs(model)
	if err != nil {
		t.Fatal(err)
	}
	if r := runAWSCLIRaw(t, awsBin, userEnv, "configure", "add-model", "--service-model", "file://"+abs, "--service-name", "secretsmanager-batch"); r.code != 0 {
		t.Fatalf("aws configure add-model: %d %s", r.code, r.stderr)
	}
	b := runAWSCLIRaw(t, awsBin, userEnv, "--endpoint-url", srv.endpoint, "--output", "json", "secretsmanager-batch", "batch-get-secret-value",
		"--secret-id-list", "prod/payments/db", "prod/payments/legacy", "prod/orders/db")
	batch := mustOK(b, "user batch-get-secret-value")
	var values []string
	for _, v := range batch["SecretValues"].([]any) {
		m := v.(map[string]any)
		values = append(values, m["Name"].(string)+"="+m["SecretString"].(string))
	}
	if !reflect.DeepEqual(values, []string{"prod/payments/db=value-of-prod/payments/db-2"}) {
		t.Errorf("batch SecretValues: %v", values)
	}
	var errs []string
	for _, v := range batch["Errors"].([]any) {
		m := v.(map[string]any)
		errs = append(errs, m["SecretId"].(string)+" "+m["ErrorCode"].(string)+" "+m["Message"].(string))
	}
	sort.Strings(errs)
	wantErrs := []string{
		"prod/orders/db AccessDeniedException " + who + "secretsmanager:GetSecretValue on resource: prod/orders/db because no identity-based policy allows the secretsmanager:GetSecretValue action",
		"prod/payments/legacy AccessDeniedException " + who + "secretsmanager:GetSecretValue on resource: prod/payments/legacy because no identity-based policy allows the secretsmanager:GetSecretValue action",
	}
	if !reflect.DeepEqual(errs, wantErrs) {
		t.Errorf("batch Errors:\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}

	// An explicit deny in the secret's resource policy beats the user's
	// allow, in AWS's words; serve sees the change within a second.
	mustOK(asAdmin("put-resource-policy", "--secret-id", "prod/payments/db", "--block-public-policy", "--resource-policy",
		`{"Version":"2012-10-17","Statement":[{"Sid":"NoPayments","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/payments"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`),
		"admin put-resource-policy")
	want := "\nAn error occurred (AccessDeniedException) when calling the GetSecretValue operation: " + who +
		"secretsmanager:GetSecretValue on resource: prod/payments/db with an explicit deny in a resource-based policy\n"
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := asUser("get-secret-value", "--secret-id", "prod/payments/db")
		if got.code == 254 && got.stderr == want {
			break
		}
		if got.code != 0 || time.Now().After(deadline) {
			t.Fatalf("user read after the deny: exit %d, stderr %q\nwant %q", got.code, got.stderr, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	srv.waitFor(`by="resource policy of prod/payments/db statement \"NoPayments\""`)
}

// runAWSCLIRaw runs `aws ARGS`, naming no service or endpoint itself.
func runAWSCLIRaw(t *testing.T, awsBin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(awsBin, args...)
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
