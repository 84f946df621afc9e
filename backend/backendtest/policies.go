package backendtest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/secretary-sh/secretary/backend"
)

// policies returns the backend's resource-policy operations; every backend
// of this project has them.
func (e *env) policies() backend.ResourcePolicies {
	e.Helper()
	p, ok := e.B.(backend.ResourcePolicies)
	if !ok {
		e.Fatalf("%T does not implement backend.ResourcePolicies", e.B)
	}
	return p
}

// accountOf returns the account id inside a secret's ARN, so policies name
// a principal that exists wherever the suite runs.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// readPolicy is a policy granting the account's root (which always exists)
// read access; conditionally public ones are built from it.
func readPolicy(account, principal, condition string) string {
	if principal == "" {
		principal = fmt.Sprintf(`{"AWS":"arn:aws:iam::%s:root"}`, account)
	}
	cond := ""
	if condition != "" {
		cond = `,"Condition":` + condition
	}
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":%s,"Action":"secretsmanager:GetSecretValue","Resource":"*"%s}]}`, principal, cond)
}

// samePolicy compares two policy documents as JSON values: a service may
// store a document with other white space.
func (e *env) samePolicy(what, got, want string) {
	e.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		e.Fatalf("%s: the stored policy is not JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		e.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		e.Fatalf("%s: policy\n got  %s\n want %s", what, got, want)
	}
}

func (e *env) wantNoPolicy(id string) {
	e.Helper()
	got, err := e.policies().GetResourcePolicy(e.ctx, id)
	if err != nil {
		e.Fatal(err)
	}
	if got.Policy != "" {
		e.Fatalf("GetResourcePolicy: a policy is attached: %s", got.Policy)
	}
}

func policyCases() []testCase {
	return []testCase{
		{name: "a new secret has no resource policy", fn: func(e *env) {
			out := e.createValue("s", "v")
			got, err := e.policies().GetResourcePolicy(e.ctx, e.name("s"))
			if err != nil {
				e.Fatal(err)
			}
			if got.ARN != out.ARN || got.Name != e.name("s") || got.Policy != "" {
				e.Fatalf("GetResourcePolicy answered %+v", got)
			}
		}},
		{name: "PutResourcePolicy attaches, replaces, and DeleteResourcePolicy removes", fn: func(e *env) {
			out := e.createValue("s", "v")
			id := e.name("s")
			p := e.policies()
			first := readPolicy(accountOf(out.ARN), "", "")
			put, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: first})
			if err != nil {
				e.Fatal(err)
			}
			if put.ARN != out.ARN || put.Name != id {
				e.Fatalf("PutResourcePolicy answered %+v", put)
			}
			got, err := p.GetResourcePolicy(e.ctx, out.ARN)
			if err != nil {
				e.Fatal(err)
			}
			if got.ARN != out.ARN || got.Name != id {
				e.Fatalf("GetResourcePolicy answered %+v", got)
			}
			e.samePolicy("after the first put", got.Policy, first)

			second := readPolicy(accountOf(out.ARN), "", `{"StringEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}}`)
			if _, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: out.ARN, ResourcePolicy: second}); err != nil {
				e.Fatal(err)
			}
			got, err = p.GetResourcePolicy(e.ctx, id)
			if err != nil {
				e.Fatal(err)
			}
			e.samePolicy("after the second put", got.Policy, second)

			del, err := p.DeleteResourcePolicy(e.ctx, id)
			if err != nil {
				e.Fatal(err)
			}
			if del.ARN != out.ARN || del.Name != id {
				e.Fatalf("DeleteResourcePolicy answered %+v", del)
			}
			e.wantNoPolicy(id)
			if _, err := p.DeleteResourcePolicy(e.ctx, id); err != nil {
				e.Fatalf("DeleteResourcePolicy without a policy: %v", err)
			}
		}},
		{name: "a malformed resource policy is refused and changes nothing", fn: func(e *env) {
			out := e.createValue("s", "v")
			id := e.name("s")
			p := e.policies()
			good := readPolicy(accountOf(out.ARN), "", "")
			if _, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: good}); err != nil {
				e.Fatal(err)
			}
			for _, bad := range []string{
				`{"Version":"2012-10-17","Statement":[`,
				strings.Replace(good, "secretsmanager:GetSecretValue", "secretsmanager:GetSecretValues", 1),
				strings.Replace(good, `"Effect":"Allow"`, `"Effect":"Permit"`, 1),
			} {
				_, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: bad})
				e.wantErr("PutResourcePolicy "+bad, err, backend.CodeMalformedPolicyDocument, "")
			}
			got, err := p.GetResourcePolicy(e.ctx, id)
			if err != nil {
				e.Fatal(err)
			}
			e.samePolicy("after refused puts", got.Policy, good)
		}},
		{name: "BlockPublicPolicy refuses a policy open to any principal", fn: func(e *env) {
			out := e.createValue("s", "v")
			id := e.name("s")
			p := e.policies()
			public := readPolicy(accountOf(out.ARN), `"*"`, "")
			_, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: public, BlockPublicPolicy: true})
			e.wantErr("PutResourcePolicy public", err, backend.CodePublicPolicy, msgPublicPolicy)
			_, err = p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: readPolicy(accountOf(out.ARN), `{"AWS":"*"}`, ""), BlockPublicPolicy: true})
			e.wantErr("PutResourcePolicy AWS *", err, backend.CodePublicPolicy, msgPublicPolicy)
			e.wantNoPolicy(id)

			narrowed := readPolicy(accountOf(out.ARN), `"*"`, fmt.Sprintf(`{"StringEquals":{"aws:PrincipalAccount":"%s"}}`, accountOf(out.ARN)))
			if _, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: narrowed, BlockPublicPolicy: true}); err != nil {
				e.Fatalf("a policy narrowed to the account: %v", err)
			}
		}},
		{name: "ValidateResourcePolicy reports findings without attaching", fn: func(e *env) {
			out := e.createValue("s", "v")
			id := e.name("s")
			p := e.policies()
			good := readPolicy(accountOf(out.ARN), "", "")
			entries, err := p.ValidateResourcePolicy(e.ctx, id, good)
			if err != nil {
				e.Fatal(err)
			}
			if len(entries) != 0 {
				e.Fatalf("a valid policy has findings: %+v", entries)
			}
			if entries, err = p.ValidateResourcePolicy(e.ctx, "", good); err != nil || len(entries) != 0 {
				e.Fatalf("without SecretId: %+v %v", entries, err)
			}
			bad := strings.Replace(good, "secretsmanager:GetSecretValue", "secretsmanager:GetSecretValues", 1)
			entries, err = p.ValidateResourcePolicy(e.ctx, id, bad)
			if err != nil {
				e.Fatal(err)
			}
			if len(entries) == 0 || entries[0].CheckName == "" || entries[0].ValidationMessage == "" {
				e.Fatalf("an unknown action: findings %+v", entries)
			}
			e.wantNoPolicy(id)
			_, err = p.ValidateResourcePolicy(e.ctx, e.name("missing"), good)
			e.wantErr("ValidateResourcePolicy of a missing secret", err, backend.CodeResourceNotFound, msgNotFound)
		}},
		{name: "resource policy operations on missing and deleted secrets", fn: func(e *env) {
			out := e.createValue("s", "v")
			id := e.name("s")
			p := e.policies()
			good := readPolicy(accountOf(out.ARN), "", "")
			_, err := p.GetResourcePolicy(e.ctx, e.name("missing"))
			e.wantErr("GetResourcePolicy", err, backend.CodeResourceNotFound, msgNotFound)
			_, err = p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: e.name("missing"), ResourcePolicy: good})
			e.wantErr("PutResourcePolicy", err, backend.CodeResourceNotFound, msgNotFound)
			_, err = p.DeleteResourcePolicy(e.ctx, e.name("missing"))
			e.wantErr("DeleteResourcePolicy", err, backend.CodeResourceNotFound, msgNotFound)

			if _, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: good}); err != nil {
				e.Fatal(err)
			}
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, RecoveryWindowInDays: intp(7)}); err != nil {
				e.Fatal(err)
			}
			_, err = p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: id, ResourcePolicy: good})
			e.wantErr("PutResourcePolicy on a scheduled secret", err, backend.CodeInvalidRequest, msgMarked)
			if _, err := e.B.RestoreSecret(e.ctx, id); err != nil {
				e.Fatal(err)
			}
			got, err := p.GetResourcePolicy(e.ctx, id)
			if err != nil {
				e.Fatal(err)
			}
			e.samePolicy("after restore", got.Policy, good)

			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, ForceDeleteWithoutRecovery: true}); err != nil {
				e.Fatal(err)
			}
			e.eventually(func() error {
				_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: id, SecretString: str("v2"), ClientRequestToken: token()})
				return err
			})
			e.wantNoPolicy(id)
		}},
		{name: "resource policy parameters are validated", fn: func(e *env) {
			e.createValue("s", "v")
			p := e.policies()
			_, err := p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: e.name("s"), ResourcePolicy: ""})
			e.wantErr("PutResourcePolicy empty", err, backend.CodeValidation, "")
			long := `{"Id":"` + strings.Repeat("x", 20480) + `"}`
			_, err = p.PutResourcePolicy(e.ctx, &backend.PutResourcePolicyInput{SecretID: e.name("s"), ResourcePolicy: long})
			e.wantErr("PutResourcePolicy too long", err, backend.CodeValidation, "")
			_, err = p.ValidateResourcePolicy(e.ctx, "", long)
			e.wantErr("ValidateResourcePolicy too long", err, backend.CodeValidation, "")
			_, err = p.GetResourcePolicy(e.ctx, "bad name!")
			e.wantErr("GetResourcePolicy bad name", err, backend.CodeValidation, "")
		}},
	}
}
