package backendtest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func limitCases() []testCase {
	return []testCase{
		{name: "name with every allowed character is accepted", fn: func(e *env) {
			n := e.name("Valid/_+=.@-Name09")
			out := e.create(backend.CreateSecretInput{Name: n, SecretString: str("v")})
			if out.Name != n || e.describe(n).Name != n {
				e.Fatalf("name came back as %q", out.Name)
			}
		}},
		{name: "a name ending in a hyphen and six characters is accepted", fn: func(e *env) {
			// AWS advises against such names (they look like a full ARN's
			// suffix) but accepts them: recorded from AWS.
			n := e.name("Name-a1b2c3")
			out := e.create(backend.CreateSecretInput{Name: n, SecretString: str("v")})
			e.wantARN(out.ARN, n)
			if got := e.getString(n); got != "v" {
				e.Fatalf("value %q", got)
			}
			if got := e.describe(out.ARN).Name; got != n {
				e.Fatalf("DescribeSecret by ARN named %q", got)
			}
		}},
		{name: "name with other characters is rejected", fn: func(e *env) {
			for _, bad := range []string{"Inv Name", "Inv*Name?", "name!", "name#1", `a\b`, "naïve", "tab\tname"} {
				n := e.name(bad)
				e.track(n)
				_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, SecretString: str("v")})
				e.wantErr("CreateSecret "+bad, err, backend.CodeValidation, msgInvalidName)
			}
		}},
		{name: "name of 512 characters is accepted", fn: func(e *env) {
			n := e.name("")
			n += strings.Repeat("a", 512-len(n))
			e.create(backend.CreateSecretInput{Name: n, SecretString: str("v")})
			if got := e.describe(n).Name; got != n {
				e.Fatalf("name of %d characters came back as %d characters", len(n), len(got))
			}
		}},
		{name: "name of 513 characters is rejected", fn: func(e *env) {
			n := e.name("")
			n += strings.Repeat("a", 513-len(n))
			e.track(n)
			_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, SecretString: str("v")})
			e.wantErr("CreateSecret", err, backend.CodeValidation, validation(n, "name", "Member must have length less than or equal to 512"))
		}},
		{name: "every operation rejects a SecretId with invalid characters", fn: func(e *env) {
			id := e.name("bad name")
			v := str("v")
			for op, err := range map[string]error{
				"DescribeSecret": errOf(e.B.DescribeSecret(e.ctx, id)),
				"GetSecretValue": errOf(e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id})),
				"PutSecretValue": errOf(e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, SecretString: v})),
				"UpdateSecret":   errOf(e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, SecretString: v})),
				"ListSecretVersionIds": errOf(e.B.ListSecretVersionIds(e.ctx,
					&backend.ListSecretVersionIdsInput{SecretID: id})),
				"DeleteSecret":  errOf(e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id})),
				"RestoreSecret": errOf(e.B.RestoreSecret(e.ctx, id)),
				"TagResource":   e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: id, Tags: []backend.Tag{{Key: "k", Value: "v"}}}),
				"UntagResource": e.B.UntagResource(e.ctx, &backend.UntagResourceInput{SecretID: id, TagKeys: []string{"k"}}),
				"UpdateSecretVersionStage": errOf(e.B.UpdateSecretVersionStage(e.ctx,
					&backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: "S", MoveToVersionID: token()})),
			} {
				e.wantErr(op, err, backend.CodeValidation, msgInvalidName)
			}
		}},
		{name: "SecretId longer than 2048 characters is rejected", fn: func(e *env) {
			id := e.name(strings.Repeat("x", 2049))
			_, err := e.B.DescribeSecret(e.ctx, id)
			e.wantErr("DescribeSecret", err, backend.CodeValidation, validation(id, "secretId", "Member must have length less than or equal to 2048"))
		}},
		{name: "string value of 65536 bytes is accepted and round-trips", fn: func(e *env) {
			v := strings.Repeat("0123456789abcdef", 4096)
			n := e.name("max")
			e.create(backend.CreateSecretInput{Name: n, SecretString: &v})
			if got := e.getString(n); got != v {
				e.Fatalf("value of %d bytes came back as %d bytes", len(v), len(got))
			}
			v2 := strings.Repeat("é", 32768) // 65536 bytes in 32768 characters
			e.put(n, v2)
			if got := e.getString(n); got != v2 {
				e.Fatal("multi-byte value of 65536 bytes did not round-trip")
			}
		}},
		{name: "string value of 65537 bytes is rejected and nothing is stored", fn: func(e *env) {
			over := strings.Repeat("x", 65537)
			tooLong := validationHidden("secretString", "Member must have length less than or equal to 65536")
			n := e.name("over")
			e.track(n)
			_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, SecretString: &over})
			e.wantErr("CreateSecret", err, backend.CodeValidation, tooLong)
			_, err = e.B.DescribeSecret(e.ctx, n)
			e.wantErr("DescribeSecret after the rejected create", err, backend.CodeResourceNotFound, msgNotFound)

			out := e.createValue("kept", "original")
			id := e.name("kept")
			_, err = e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, SecretString: &over})
			e.wantErr("PutSecretValue", err, backend.CodeValidation, tooLong)
			_, err = e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, SecretString: &over})
			e.wantErr("UpdateSecret", err, backend.CodeValidation, tooLong)
			e.wantStages("versions after rejected writes", e.versions(id, true), map[string][]string{out.VersionID: {backend.StageCurrent}})
			if got := e.getString(id); got != "original" {
				e.Fatalf("value changed to %d bytes", len(got))
			}
		}},
		{name: "binary value of 65536 bytes is accepted, 65537 rejected", fn: func(e *env) {
			max := bytes.Repeat([]byte{0, 1, 0xfe, 0xff}, 16384)
			n := e.name("bin")
			e.create(backend.CreateSecretInput{Name: n, SecretBinary: max})
			got := e.get(backend.GetSecretValueInput{SecretID: n})
			if !bytes.Equal(got.SecretBinary, max) || got.SecretString != nil {
				e.Fatalf("binary value of %d bytes came back as %d bytes (string %v)", len(max), len(got.SecretBinary), got.SecretString != nil)
			}
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: n, SecretBinary: append(max, 7)})
			e.wantErr("PutSecretValue", err, backend.CodeValidation, validationHidden("secretBinary", "Member must have length less than or equal to 65536"))
		}},
		{name: "SecretString and SecretBinary together are rejected", fn: func(e *env) {
			n := e.name("both")
			e.track(n)
			_, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, SecretString: str("s"), SecretBinary: []byte{1}})
			e.wantErr("CreateSecret", err, backend.CodeInvalidParameter, msgBothValues)
			_, err = e.B.DescribeSecret(e.ctx, n)
			e.wantErr("DescribeSecret after the rejected create", err, backend.CodeResourceNotFound, msgNotFound)
			e.createValue("one", "v")
			id := e.name("one")
			_, err = e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, SecretString: str("s"), SecretBinary: []byte{1}})
			e.wantErr("PutSecretValue", err, backend.CodeInvalidParameter, msgBothValues)
			_, err = e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, SecretString: str("s"), SecretBinary: []byte{1}})
			e.wantErr("UpdateSecret", err, backend.CodeInvalidParameter, msgBothValues)
		}},
		{name: "PutSecretValue without a value is rejected", fn: func(e *env) {
			e.createValue("s", "v")
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: e.name("s"), ClientRequestToken: token()})
			e.wantErr("PutSecretValue", err, backend.CodeInvalidRequest, msgNoValue)
		}},
		{name: "empty SecretString is rejected", fn: func(e *env) {
			e.createValue("s", "v")
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: e.name("s"), SecretString: str("")})
			e.wantErr("PutSecretValue", err, backend.CodeValidation, validationHidden("secretString", "Member must have length greater than or equal to 1"))
		}},
		{name: "description of 2048 characters is accepted, 2049 rejected", fn: func(e *env) {
			d := strings.Repeat("d", 2048)
			n := e.name("d")
			e.create(backend.CreateSecretInput{Name: n, Description: d})
			if got := e.describe(n).Description; got != d {
				e.Fatalf("description of %d characters came back as %d", len(d), len(got))
			}
			long := d + "x"
			_, err := e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: n, Description: &long})
			e.wantErr("UpdateSecret", err, backend.CodeValidation, validation(long, "description", "Member must have length less than or equal to 2048"))
		}},
		{name: "ClientRequestToken must have 32 to 64 characters", fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			hex := strings.ReplaceAll(token()+token(), "-", "") // 64 characters
			for _, c := range []struct {
				tok, constraint string
			}{
				{hex[:31], "Member must have length greater than or equal to 32"},
				{hex + "x", "Member must have length less than or equal to 64"},
			} {
				_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: c.tok, SecretString: str("w")})
				e.wantErr("PutSecretValue with a token of "+itoa(len(c.tok)), err, backend.CodeValidation, validation(c.tok, "clientRequestToken", c.constraint))
			}
			for _, tok := range []string{hex[:32], hex} {
				out, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, ClientRequestToken: tok, SecretString: str("w" + tok)})
				if err != nil {
					e.Fatalf("token of %d characters: %v", len(tok), err)
				}
				if out.VersionID != tok {
					e.Fatalf("VersionId %q, want the token %q", out.VersionID, tok)
				}
			}
		}},
		{name: "more than 20 labels for one version are rejected", fn: func(e *env) {
			e.createValue("s", "v")
			labels := make([]string, 21)
			for i := range labels {
				labels[i] = "L" + itoa(i)
			}
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: e.name("s"), SecretString: str("w"), VersionStages: labels})
			e.wantErr("PutSecretValue", err, backend.CodeValidation,
				validation("["+strings.Join(labels, ", ")+"]", "versionStages", "Member must have length less than or equal to 20"))
			out := e.put(e.name("s"), "w", labels[:20]...)
			e.wantLabels("20 labels", out.VersionStages, sortedCopy(labels[:20])...)
		}},
		{name: "label longer than 256 characters is rejected", fn: func(e *env) {
			e.createValue("s", "v")
			long := strings.Repeat("L", 257)
			_, err := e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: e.name("s"), SecretString: str("w"), VersionStages: []string{long}})
			e.wantErr("PutSecretValue", err, backend.CodeValidation, validation(long, "versionStages.1.member", "Member must have length less than or equal to 256"))
		}},
		{name: "tag key over 128 and value over 256 characters are rejected", fn: func(e *env) {
			e.createValue("s", "v")
			k := strings.Repeat("k", 129)
			err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: e.name("s"), Tags: []backend.Tag{{Key: k, Value: "v"}}})
			e.wantErr("TagResource", err, backend.CodeValidation, validation(k, "tags.1.member.key", "Member must have length less than or equal to 128"))
			v := strings.Repeat("v", 257)
			err = e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: e.name("s"), Tags: []backend.Tag{{Key: "k", Value: v}}})
			e.wantErr("TagResource", err, backend.CodeValidation, validation(v, "tags.1.member.value", "Member must have length less than or equal to 256"))
			if tags := e.describe(e.name("s")).Tags; len(tags) != 0 {
				e.Fatalf("rejected tags were stored: %v", tags)
			}
		}},
		{name: "tag keys and values outside AWS's pattern are rejected", fn: func(e *env) {
			// AWS documents ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$ for tags: no
			// control characters, escape sequences or bidi overrides.
			const constraint = `Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`
			e.createValue("s", "v")
			osc := "team\x1b]52;c;aGk=\x07"
			err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: e.name("s"), Tags: []backend.Tag{{Key: "ok", Value: "v"}, {Key: osc, Value: "v"}}})
			e.wantErr("TagResource", err, backend.CodeValidation, validation(osc, "tags.2.member.key", constraint))
			rlo := "admin\u202egnp.exe"
			err = e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: e.name("s"), Tags: []backend.Tag{{Key: "owner", Value: rlo}}})
			e.wantErr("TagResource", err, backend.CodeValidation, validation(rlo, "tags.1.member.value", constraint))
			n := e.name("tagged")
			e.track(n)
			_, err = e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, SecretString: str("v"), Tags: []backend.Tag{{Key: "cr", Value: "a\rb"}}})
			e.wantErr("CreateSecret", err, backend.CodeValidation, validation("a\rb", "tags.1.member.value", constraint))
			if tags := e.describe(e.name("s")).Tags; len(tags) != 0 {
				e.Fatalf("rejected tags were stored: %v", tags)
			}
			// What the pattern allows is kept as it is.
			ok := []backend.Tag{{Key: "Équipe nº 1", Value: "paiements: a/b=c+d-e@f_g.h"}}
			if err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: e.name("s"), Tags: ok}); err != nil {
				e.Fatalf("TagResource %v: %v", ok, err)
			}
			if tags := e.describe(e.name("s")).Tags; len(tags) != 1 || tags[0] != ok[0] {
				e.Fatalf("tags are %v, want %v", tags, ok)
			}
		}},
		{name: "more than 50 tags are rejected", fn: func(e *env) {
			tags := make([]backend.Tag, 51)
			for i := range tags {
				tags[i] = backend.Tag{Key: "k" + itoa(i), Value: "v"}
			}
			n := e.name("tags")
			e.track(n)
			// The quota is the service's (the API model sets no length on
			// tag lists) and AWS's exception for it is not known to us: the
			// request must fail and change nothing.
			if _, err := e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n, Tags: tags}); err == nil {
				e.Fatal("CreateSecret with 51 tags succeeded")
			}
			if _, err := e.B.DescribeSecret(e.ctx, n); backend.Code(err) != backend.CodeResourceNotFound {
				e.Fatalf("the rejected CreateSecret left a secret behind (DescribeSecret: %v)", err)
			}
			e.create(backend.CreateSecretInput{Name: n, Tags: tags[:50]})
			err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: n, Tags: []backend.Tag{{Key: "one-more", Value: "v"}}})
			if err == nil {
				e.Fatal("TagResource took a secret to 51 tags")
			}
			if got := len(e.describe(n).Tags); got != 50 {
				e.Fatalf("%d tags after the rejected TagResource, want 50", got)
			}
		}},
		{name: "MaxResults out of range is rejected", fn: func(e *env) {
			_, err := e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{MaxResults: 101})
			e.wantErr("ListSecrets", err, backend.CodeValidation, validation("101", "maxResults", "Member must have value less than or equal to 100"))
			_, err = e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{MaxResults: -1})
			e.wantErr("ListSecrets", err, backend.CodeValidation, validation("-1", "maxResults", "Member must have value greater than or equal to 1"))
			e.createValue("s", "v")
			_, err = e.B.ListSecretVersionIds(e.ctx, &backend.ListSecretVersionIdsInput{SecretID: e.name("s"), MaxResults: 101})
			e.wantErr("ListSecretVersionIds", err, backend.CodeValidation, validation("101", "maxResults", "Member must have value less than or equal to 100"))
			_, err = e.B.BatchGetSecretValue(e.ctx, &backend.BatchGetSecretValueInput{
				Filters: []backend.Filter{{Key: backend.FilterName, Values: []string{e.prefix}}}, MaxResults: 21,
			})
			e.wantErr("BatchGetSecretValue", err, backend.CodeValidation, validation("21", "maxResults", "Member must have value less than or equal to 20"))
		}},
		{name: "recovery window outside 7 to 30 days is rejected and nothing is deleted", fn: func(e *env) {
			e.createValue("s", "v")
			for _, w := range []int{0, 6, 31} {
				_, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name("s"), RecoveryWindowInDays: intp(w)})
				e.wantErr("DeleteSecret with a window of "+itoa(w), err, backend.CodeInvalidParameter, msgWindow)
			}
			if m := e.describe(e.name("s")); m.Deleted() {
				e.Fatal("a rejected DeleteSecret scheduled the deletion")
			}
		}},
	}
}

func identityCases() []testCase {
	return []testCase{
		{name: "ARN has the Secrets Manager format with a 6-character suffix", fn: func(e *env) {
			n := e.name("arn")
			out := e.create(backend.CreateSecretInput{Name: n, SecretString: str("v")})
			e.wantARN(out.ARN, n)
			if out.Name != n {
				e.Fatalf("CreateSecret returned name %q", out.Name)
			}
			if got := e.describe(n).ARN; got != out.ARN {
				e.Fatalf("DescribeSecret ARN %q, CreateSecret said %q", got, out.ARN)
			}
			if got := e.get(backend.GetSecretValueInput{SecretID: n}).ARN; got != out.ARN {
				e.Fatalf("GetSecretValue ARN %q, CreateSecret said %q", got, out.ARN)
			}
			other := e.create(backend.CreateSecretInput{Name: e.name("arn2")})
			e.wantARN(other.ARN, e.name("arn2"))
		}},
		{name: "SecretId accepts the name, the full ARN and the partial ARN", fn: func(e *env) {
			out := e.createValue("id", "v0")
			n := e.name("id")
			holder := ""
			for form, id := range map[string]string{"name": n, "full ARN": out.ARN, "partial ARN": partialARN(out.ARN)} {
				m := e.describe(id)
				if m.Name != n || m.ARN != out.ARN {
					e.Fatalf("DescribeSecret by %s: %q %q", form, m.Name, m.ARN)
				}
				v := "by " + form
				p := e.put(id, v)
				if p.ARN != out.ARN || p.Name != n {
					e.Fatalf("PutSecretValue by %s answered %q %q", form, p.ARN, p.Name)
				}
				if got := e.getString(id); got != v {
					e.Fatalf("GetSecretValue by %s: %q, want %q", form, got, v)
				}
				e.moveStage(id, "BY-ID", p.VersionID, holder)
				holder = p.VersionID
				if _, err := e.B.ListSecretVersionIds(e.ctx, &backend.ListSecretVersionIdsInput{SecretID: id}); err != nil {
					e.Fatalf("ListSecretVersionIds by %s: %v", form, err)
				}
			}
		}},
		{name: "a full ARN names only its own secret, never one named like its tail", fn: func(e *env) {
			real := e.createValue("db", "real")
			// A secret whose name is the real one's ARN tail ("db-AbCdEf"):
			// a lookup that tries names and ARNs together finds it first.
			decoyName := real.ARN[strings.Index(real.ARN, ":secret:")+len(":secret:"):]
			decoy := e.create(backend.CreateSecretInput{Name: decoyName, SecretString: str("decoy"), ClientRequestToken: token()})
			id := real.ARN
			wantReal := func(op, arn, name string) {
				e.Helper()
				if arn != real.ARN || name != e.name("db") {
					e.Fatalf("%s by full ARN answered %q %q, want %q", op, arn, name, real.ARN)
				}
			}
			m := e.describe(id)
			wantReal("DescribeSecret", m.ARN, m.Name)
			v := e.get(backend.GetSecretValueInput{SecretID: id})
			wantReal("GetSecretValue", v.ARN, v.Name)
			if *v.SecretString != "real" {
				e.Fatalf("GetSecretValue by full ARN read %q", *v.SecretString)
			}
			p := e.put(id, "real2")
			wantReal("PutSecretValue", p.ARN, p.Name)
			u, err := e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, Description: str("changed")})
			if err != nil {
				e.Fatal(err)
			}
			wantReal("UpdateSecret", u.ARN, u.Name)
			e.moveStage(id, "MOVED", p.VersionID, "")
			if err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: id, Tags: []backend.Tag{{Key: "k", Value: "v"}}}); err != nil {
				e.Fatal(err)
			}
			l, err := e.B.ListSecretVersionIds(e.ctx, &backend.ListSecretVersionIdsInput{SecretID: id})
			if err != nil {
				e.Fatal(err)
			}
			wantReal("ListSecretVersionIds", l.ARN, l.Name)
			bg, err := e.B.BatchGetSecretValue(e.ctx, &backend.BatchGetSecretValueInput{SecretIDList: []string{id}})
			if err != nil || len(bg.SecretValues) != 1 {
				e.Fatalf("BatchGetSecretValue: %+v %v", bg, err)
			}
			wantReal("BatchGetSecretValue", bg.SecretValues[0].ARN, bg.SecretValues[0].Name)
			d, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id, RecoveryWindowInDays: intp(7)})
			if err != nil {
				e.Fatal(err)
			}
			wantReal("DeleteSecret", d.ARN, d.Name)
			r, err := e.B.RestoreSecret(e.ctx, id)
			if err != nil {
				e.Fatal(err)
			}
			wantReal("RestoreSecret", r.ARN, r.Name)
			// The decoy, by its own name and its own ARN, is untouched.
			for _, did := range []string{decoyName, decoy.ARN} {
				dm := e.describe(did)
				if dm.ARN != decoy.ARN || dm.Description != "" || len(dm.Tags) != 0 || dm.Deleted() {
					e.Fatalf("the decoy changed: %+v", dm)
				}
				if got := e.getString(did); got != "decoy" {
					e.Fatalf("the decoy holds %q", got)
				}
				e.wantStages("decoy labels", e.stages(did), map[string][]string{decoy.VersionID: {cur}})
			}
			if got := e.getString(e.name("db")); got != "real2" {
				e.Fatalf("the real secret holds %q", got)
			}
		}},
		{name: "a full ARN with another suffix is not found", fn: func(e *env) {
			out := e.createValue("s", "v")
			wrong := partialARN(out.ARN) + "-"
			if strings.HasSuffix(out.ARN, "AAAAAA") {
				wrong += "BBBBBB"
			} else {
				wrong += "AAAAAA"
			}
			_, err := e.B.DescribeSecret(e.ctx, wrong)
			e.wantErr("DescribeSecret", err, backend.CodeResourceNotFound, msgNotFound)
		}},
		{name: "every operation on a missing secret is ResourceNotFoundException", fn: func(e *env) {
			id := e.name("missing")
			v := str("v")
			for op, err := range map[string]error{
				"DescribeSecret": errOf(e.B.DescribeSecret(e.ctx, id)),
				"GetSecretValue": errOf(e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id})),
				"PutSecretValue": errOf(e.B.PutSecretValue(e.ctx, &backend.PutSecretValueInput{SecretID: id, SecretString: v})),
				"UpdateSecret":   errOf(e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, SecretString: v})),
				"ListSecretVersionIds": errOf(e.B.ListSecretVersionIds(e.ctx,
					&backend.ListSecretVersionIdsInput{SecretID: id})),
				"DeleteSecret":  errOf(e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: id})),
				"RestoreSecret": errOf(e.B.RestoreSecret(e.ctx, id)),
				"TagResource":   e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: id, Tags: []backend.Tag{{Key: "k", Value: "v"}}}),
				"UntagResource": e.B.UntagResource(e.ctx, &backend.UntagResourceInput{SecretID: id, TagKeys: []string{"k"}}),
				"UpdateSecretVersionStage": errOf(e.B.UpdateSecretVersionStage(e.ctx,
					&backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: "S", MoveToVersionID: token()})),
			} {
				e.wantErr(op, err, backend.CodeResourceNotFound, msgNotFound)
			}
		}},
		{name: "binary values round-trip byte for byte", fn: func(e *env) {
			all := make([]byte, 256)
			for i := range all {
				all[i] = byte(i)
			}
			n := e.name("bin")
			out := e.create(backend.CreateSecretInput{Name: n, SecretBinary: all})
			v := e.get(backend.GetSecretValueInput{SecretID: n})
			if !bytes.Equal(v.SecretBinary, all) || v.SecretString != nil || !v.IsBinary() {
				e.Fatalf("binary value came back as %v (string set: %v)", v.SecretBinary, v.SecretString != nil)
			}
			if v.VersionID != out.VersionID {
				e.Fatalf("VersionId %q, want %q", v.VersionID, out.VersionID)
			}
			// A string version after a binary one is a string again.
			e.put(n, "text")
			if got := e.get(backend.GetSecretValueInput{SecretID: n}); got.SecretBinary != nil || got.SecretString == nil || *got.SecretString != "text" {
				e.Fatal("string version after a binary one did not come back as a string")
			}
			prev := e.get(backend.GetSecretValueInput{SecretID: n, VersionStage: backend.StagePrevious})
			if !bytes.Equal(prev.SecretBinary, all) {
				e.Fatal("the binary version changed when a string version was added")
			}
		}},
		{name: "GetSecretValue reports the version's creation date", fn: func(e *env) {
			before := e.now()
			out := e.createValue("s", "v")
			v := e.get(backend.GetSecretValueInput{SecretID: e.name("s")})
			e.wantTime("CreatedDate", v.CreatedDate, before)
			if v.VersionID != out.VersionID || v.Name != e.name("s") {
				e.Fatalf("GetSecretValue answered %q %q", v.VersionID, v.Name)
			}
			m := e.describe(e.name("s"))
			e.wantTime("DescribeSecret CreatedDate", m.CreatedDate, before)
			e.wantTime("DescribeSecret LastChangedDate", m.LastChangedDate, before)
		}},
		{name: "LastAccessedDate has day resolution", clock: true, fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			if m := e.describe(id); !m.LastAccessedDate.IsZero() {
				e.Fatalf("LastAccessedDate %v before any read", m.LastAccessedDate)
			}
			day := func(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
			e.getString(id)
			first := day(e.now())
			if got := e.describe(id).LastAccessedDate; !got.Equal(first) {
				e.Fatalf("LastAccessedDate %v, want the day %v (midnight UTC)", got.UTC(), first)
			}
			e.advance(48 * time.Hour)
			if got := e.describe(id).LastAccessedDate; !got.Equal(first) {
				e.Fatalf("LastAccessedDate moved to %v without a read", got.UTC())
			}
			e.getString(id)
			if got, want := e.describe(id).LastAccessedDate, day(e.now()); !got.Equal(want) {
				e.Fatalf("LastAccessedDate %v after a read two days later, want %v", got.UTC(), want)
			}
		}},
		{name: "LastAccessedDate is midnight UTC of the day of the last read", fn: func(e *env) {
			e.createValue("s", "v")
			id := e.name("s")
			e.getString(id)
			now := e.now().UTC()
			// AWS records accesses asynchronously: allow Settle.
			e.eventually(func() error {
				got := e.describe(id).LastAccessedDate.UTC()
				if !got.Equal(got.Truncate(24 * time.Hour)) {
					return fmt.Errorf("LastAccessedDate %v is not a date (midnight UTC)", got)
				}
				if d := now.Sub(got); d < 0 || d > 24*time.Hour+e.tolerance() {
					return fmt.Errorf("LastAccessedDate %v is not the day of the read %v", got, now)
				}
				return nil
			})
		}},
	}
}

// errOf keeps the error of a two-result call.
func errOf[T any](_ T, err error) error { return err }

func itoa(i int) string { return strconv.Itoa(i) }
