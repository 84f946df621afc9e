package backendtest

import (
	"fmt"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func idempotencyCases() []testCase {
	return []testCase{
		{name: "PutSecretValue repeated with the same token and value changes nothing", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			tok := token()
			in := backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tok, SecretString: str("two")}
			first, err := e.B.PutSecretValue(e.ctx, &in)
			if err != nil {
				e.Fatal(err)
			}
			if first.VersionID != tok {
				e.Fatalf("VersionId %q, want the token", first.VersionID)
			}
			before := e.versions(id, true)
			again, err := e.B.PutSecretValue(e.ctx, &in)
			if err != nil {
				e.Fatalf("retry with the same token and value: %v", err)
			}
			if again.VersionID != tok {
				e.Fatalf("retry answered VersionId %q", again.VersionID)
			}
			e.wantStages("versions after the retry", e.versions(id, true), before)
			e.wantStages("labels", e.stages(id), map[string][]string{tok: {cur}, v1: {prev}})
		}},
		{name: "a retried PutSecretValue does not move labels back", fn: func(e *env) {
			e.createValue("s", "zero")
			id := e.name("s")
			tokA := token()
			if _, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tokA, SecretString: str("a")}); err != nil {
				e.Fatal(err)
			}
			b := e.put(id, "b").VersionID
			if _, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tokA, SecretString: str("a")}); err != nil {
				e.Fatalf("late retry: %v", err)
			}
			e.wantStages("labels after the late retry", e.stages(id), map[string][]string{b: {cur}, tokA: {prev}})
			if got := e.getString(id); got != "b" {
				e.Fatalf("AWSCURRENT value %q after a late retry", got)
			}
		}},
		{name: "the same token with a different value is rejected", fn: func(e *env) {
			e.createValue("s", "one")
			id := e.name("s")
			tok := token()
			if _, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tok, SecretString: str("two")}); err != nil {
				e.Fatal(err)
			}
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tok, SecretString: str("other")})
			e.wantErr("PutSecretValue", err, backend.CodeResourceExists, msgVersionExists)
			_, err = e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tok, SecretBinary: []byte("two")})
			e.wantErr("PutSecretValue with the same bytes as binary", err, backend.CodeResourceExists, msgVersionExists)
			_, err = e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, ClientRequestToken: tok, SecretString: str("other")})
			e.wantErr("UpdateSecret", err, backend.CodeResourceExists, msgVersionExists)
			if got := e.get(backend.GetSecretValueInput{SecretID: id, VersionID: tok}); *got.SecretString != "two" {
				e.Fatalf("the version's value changed to %q", *got.SecretString)
			}
		}},
		{name: "CreateSecret's token is the first version; reusing it with the same value is a no-op", fn: func(e *env) {
			tok := token()
			n := e.name("s")
			e.create(backend.CreateSecretInput{Name: n, ClientRequestToken: tok, SecretString: str("v")})
			out, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: n, ClientRequestToken: tok, SecretString: str("v")})
			if err != nil || out.VersionID != tok {
				e.Fatalf("PutSecretValue with CreateSecret's token: %v %v", out, err)
			}
			e.wantStages("versions", e.versions(n, true), map[string][]string{tok: {cur}})
		}},
		{name: "UpdateSecret repeated with the same token and value changes nothing", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			tok := token()
			in := backend.UpdateSecretInput{SecretID: id, ClientRequestToken: tok, SecretString: str("two")}
			for i := 0; i < 2; i++ {
				out, err := e.B.UpdateSecret(e.ctx, &in)
				if err != nil {
					e.Fatalf("UpdateSecret #%d: %v", i+1, err)
				}
				if i == 0 && out.VersionID != tok {
					e.Fatalf("VersionId %q, want the token", out.VersionID)
				}
			}
			e.wantStages("versions", e.versions(id, true), map[string][]string{tok: {cur}, v1: {prev}})
		}},
		{name: "CreateSecret on an existing name is rejected", fn: func(e *env) {
			n := e.name("s")
			e.create(backend.CreateSecretInput{Name: n, ClientRequestToken: token(), SecretString: str("v")})
			_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, ClientRequestToken: token(), SecretString: str("v")})
			e.wantErr("CreateSecret", err, backend.CodeResourceExists, msgSecretExists(n))
			_, err = e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n})
			e.wantErr("CreateSecret without a value", err, backend.CodeResourceExists, msgSecretExists(n))
		}},
		{name: "CreateSecret retried with the same token and value changes nothing", fn: func(e *env) {
			// AWS documents CreateSecret's ClientRequestToken like
			// PutSecretValue's: a request repeating an existing version's
			// token and value is ignored, so an SDK retry is safe.
			n := e.name("s")
			tok := token()
			first := e.create(backend.CreateSecretInput{Name: n, ClientRequestToken: tok, SecretString: str("v")})
			again, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, ClientRequestToken: tok, SecretString: str("v")})
			if err != nil {
				e.Fatalf("retried CreateSecret: %v", err)
			}
			if again.ARN != first.ARN || again.VersionID != tok {
				e.Fatalf("retried CreateSecret answered %q %q, want %q %q", again.ARN, again.VersionID, first.ARN, tok)
			}
			e.wantStages("versions", e.versions(n, true), map[string][]string{tok: {cur}})
		}},
	}
}

func deletionCases() []testCase {
	return []testCase{
		{name: "DeleteSecret defaults to a 30-day recovery window", fn: func(e *env) {
			out := e.createValue("s", "v")
			id := e.name("s")
			before := e.now()
			del, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id})
			if err != nil {
				e.Fatal(err)
			}
			if del.ARN != out.ARN || del.Name != id {
				e.Fatalf("DeleteSecret answered %q %q", del.ARN, del.Name)
			}
			e.wantTime("DeletionDate", del.DeletionDate, before.Add(30*24*time.Hour))
			m := e.describe(id)
			if !m.Deleted() {
				e.Fatal("DescribeSecret shows no DeletedDate for a scheduled secret")
			}
			e.wantTime("DeletedDate", m.DeletedDate, before)
		}},
		{name: "DeleteSecret with a 7-day window", fn: func(e *env) {
			e.createValue("s", "v")
			before := e.now()
			del, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name("s"), RecoveryWindowInDays: intp(7)})
			if err != nil {
				e.Fatal(err)
			}
			e.wantTime("DeletionDate", del.DeletionDate, before.Add(7*24*time.Hour))
		}},
		{name: "a recovery window and force delete together are rejected", fn: func(e *env) {
			e.createValue("s", "v")
			_, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name("s"), RecoveryWindowInDays: intp(10), ForceDeleteWithoutRecovery: true})
			e.wantErr("DeleteSecret", err, backend.CodeInvalidParameter, msgWindowForce)
			if e.describe(e.name("s")).Deleted() {
				e.Fatal("the rejected DeleteSecret scheduled the deletion")
			}
		}},
		{name: "a secret marked for deletion refuses reads and writes", fn: func(e *env) {
			v1 := e.createValue("s", "v").VersionID
			id := e.name("s")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, RecoveryWindowInDays: intp(7)}); err != nil {
				e.Fatal(err)
			}
			for op, err := range map[string]error{
				"GetSecretValue": errOf(e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id})),
				"PutSecretValue": errOf(e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, SecretString: str("w")})),
				"UpdateSecret":   errOf(e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, Description: str("d")})),
				"TagResource":    e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: id, Tags: []backend.Tag{{Key: "k", Value: "v"}}}),
				"UntagResource":  e.B.UntagResource(e.ctx, &backend.UntagResourceInput{SecretID: id, TagKeys: []string{"k"}}),
				"UpdateSecretVersionStage": errOf(e.B.UpdateSecretVersionStage(e.ctx,
					&backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: "X", MoveToVersionID: v1})),
			} {
				e.wantErr(op, err, backend.CodeInvalidRequest, msgMarked)
			}
			// The exception name for deleting again without force is
			// InvalidRequestException; the text is not known to us.
			_, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id})
			e.wantErr("DeleteSecret again", err, backend.CodeInvalidRequest, "")
			m := e.describe(id)
			if m.Description != "" || len(m.Tags) != 0 {
				e.Fatal("a refused write changed the secret")
			}
		}},
		{name: "a secret marked for deletion can still be described and its versions listed", fn: func(e *env) {
			out := e.createValue("s", "one")
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id}); err != nil {
				e.Fatal(err)
			}
			// The API model lists no InvalidRequestException for either.
			m := e.describe(id)
			if m.ARN != out.ARN || !m.Deleted() {
				e.Fatalf("DescribeSecret of a scheduled secret: %q deleted=%v", m.ARN, m.Deleted())
			}
			e.wantStages("versions of a scheduled secret", e.versions(id, false), map[string][]string{v2: {cur}, out.VersionID: {prev}})
		}},
		{name: "CreateSecret with the name of a secret marked for deletion is rejected", fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id}); err != nil {
				e.Fatal(err)
			}
			_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: id, SecretString: str("new")})
			e.wantErr("CreateSecret", err, backend.CodeInvalidRequest,
				msgNameScheduled)
		}},
		{name: "ListSecrets hides secrets marked for deletion unless asked", fn: func(e *env) {
			e.createValue("kept", "v")
			e.createValue("gone", "v")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name("gone")}); err != nil {
				e.Fatal(err)
			}
			e.wantList(backend.ListSecretsInput{}, false, "kept")
			e.wantList(backend.ListSecretsInput{IncludePlannedDeletion: true}, false, "gone", "kept")
			e.eventually(func() error {
				all, _, err := e.listAll(backend.ListSecretsInput{IncludePlannedDeletion: true})
				if err != nil {
					return err
				}
				for _, m := range all {
					if m.Name == e.name("gone") && !m.Deleted() {
						return fmt.Errorf("ListSecrets shows the scheduled secret without DeletedDate")
					}
					if m.Name == e.name("kept") && m.Deleted() {
						return fmt.Errorf("ListSecrets shows DeletedDate on a live secret")
					}
				}
				return nil
			})
		}},
		{name: "RestoreSecret cancels the deletion and keeps every version", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id}); err != nil {
				e.Fatal(err)
			}
			out, err := e.B.RestoreSecret(e.ctx, id)
			if err != nil {
				e.Fatal(err)
			}
			if out.Name != id {
				e.Fatalf("RestoreSecret answered %q", out.Name)
			}
			if m := e.describe(id); m.Deleted() {
				e.Fatalf("DeletedDate %v after RestoreSecret", m.DeletedDate)
			}
			if got := e.getString(id); got != "two" {
				e.Fatalf("value after restore %q", got)
			}
			e.wantStages("versions after restore", e.versions(id, true), map[string][]string{v2: {cur}, v1: {prev}})
			e.put(id, "three")
			e.wantList(backend.ListSecretsInput{}, false, "s")
		}},
		{name: "force delete removes the secret at once", fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			before := e.now()
			del, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, ForceDeleteWithoutRecovery: true})
			if err != nil {
				e.Fatal(err)
			}
			e.wantTime("DeletionDate", del.DeletionDate, before)
			e.eventually(func() error {
				_, err := e.B.DescribeSecret(e.ctx, id)
				if backend.Code(err) != backend.CodeResourceNotFound {
					return fmt.Errorf("DescribeSecret after force delete: %v, want ResourceNotFoundException", err)
				}
				return nil
			})
		}},
		{name: "force delete of a secret already scheduled succeeds", fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id}); err != nil {
				e.Fatal(err)
			}
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, ForceDeleteWithoutRecovery: true}); err != nil {
				e.Fatalf("force delete of a scheduled secret: %v", err)
			}
			e.eventually(func() error {
				_, err := e.B.DescribeSecret(e.ctx, id)
				if backend.Code(err) != backend.CodeResourceNotFound {
					return fmt.Errorf("DescribeSecret after force delete: %v, want ResourceNotFoundException", err)
				}
				return nil
			})
		}},
		{name: "a name is free again after a force delete, with a new ARN", fn: func(e *env) {
			first := e.createValue("s", "old")
			id := e.name("s")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, ForceDeleteWithoutRecovery: true}); err != nil {
				e.Fatal(err)
			}
			var second *backend.CreateSecretOutput
			e.eventually(func() error {
				out, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: id, SecretString: str("new")})
				second = out
				return err
			})
			if second.ARN == first.ARN {
				e.Fatalf("the recreated secret has the old ARN %q", first.ARN)
			}
			e.wantARN(second.ARN, id)
			if got := e.getString(id); got != "new" {
				e.Fatalf("value %q", got)
			}
			if n := len(e.versions(id, true)); n != 1 {
				e.Fatalf("the recreated secret has %d versions", n)
			}
		}},
		{name: "DeleteSecret of a missing secret is not found", fn: func(e *env) {
			_, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name("missing")})
			e.wantErr("DeleteSecret", err, backend.CodeResourceNotFound, msgNotFound)
		}},
		{name: "DeleteSecret forced on a missing secret answers as if it had existed", fn: func(e *env) {
			// Recorded from AWS: 200 with ARN, Name and DeletionDate.
			n := e.name("never")
			before := e.now()
			out, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: n, ForceDeleteWithoutRecovery: true})
			if err != nil {
				e.Fatalf("forced DeleteSecret of a missing secret: %v", err)
			}
			if out.Name != n {
				e.Fatalf("Name %q, want %q", out.Name, n)
			}
			e.wantARN(out.ARN, n)
			if out.DeletionDate.Before(before.Add(-time.Minute)) || out.DeletionDate.After(e.now().Add(time.Minute)) {
				e.Fatalf("DeletionDate %v, want about now (%v)", out.DeletionDate, before)
			}
			_, err = e.B.DescribeSecret(e.ctx, n)
			e.wantErr("DescribeSecret afterwards", err, backend.CodeResourceNotFound, msgNotFound)
		}},
		{name: "a scheduled secret is gone once its window has passed", clock: true, fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, RecoveryWindowInDays: intp(7)}); err != nil {
				e.Fatal(err)
			}
			e.advance(6 * 24 * time.Hour)
			if !e.describe(id).Deleted() {
				e.Fatal("secret not scheduled six days into its window")
			}
			e.advance(36 * time.Hour)
			_, err := e.B.DescribeSecret(e.ctx, id)
			e.wantErr("DescribeSecret after the window", err, backend.CodeResourceNotFound, msgNotFound)
			_, err = e.B.RestoreSecret(e.ctx, id)
			e.wantErr("RestoreSecret after the window", err, backend.CodeResourceNotFound, msgNotFound)
			e.create(backend.CreateSecretInput{Name: id, SecretString: str("again")})
			if got := e.getString(id); got != "again" {
				e.Fatalf("value %q", got)
			}
		}},
	}
}
