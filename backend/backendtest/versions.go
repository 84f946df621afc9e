package backendtest

import (
	"time"

	"github.com/secretary-sh/secretary/backend"
)

const (
	cur  = backend.StageCurrent
	prev = backend.StagePrevious
	pend = backend.StagePending
)

func versionCases() []testCase {
	return []testCase{
		{name: "a version demoted from AWSCURRENT by PutSecretValue loses AWSPENDING too", fn: func(e *env) {
			// Recorded from AWS: v2 held [AWSCURRENT, AWSPENDING]; after v3 it
			// holds only AWSPREVIOUS.
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two", pend).VersionID
			e.moveStage(id, cur, v2, v1)
			e.wantStages("labels after moving AWSCURRENT", e.versions(id, false), map[string][]string{v1: {prev}, v2: {cur, pend}})
			v3 := e.put(id, "three").VersionID
			e.wantStages("labels after a plain put", e.versions(id, false), map[string][]string{v2: {prev}, v3: {cur}})
		}},
		{name: "CreateSecret with a value makes one AWSCURRENT version whose id is the token", fn: func(e *env) {
			tok := token()
			n := e.name("s")
			out := e.create(backend.CreateSecretInput{Name: n, SecretString: str("v"), ClientRequestToken: tok})
			if out.VersionID != tok {
				e.Fatalf("VersionId %q, want the ClientRequestToken %q", out.VersionID, tok)
			}
			e.wantStages("VersionIdsToStages", e.stages(n), map[string][]string{tok: {cur}})
			v := e.get(backend.GetSecretValueInput{SecretID: n})
			e.wantLabels("GetSecretValue", v.VersionStages, cur)
		}},
		{name: "PutSecretValue moves AWSCURRENT and AWSPREVIOUS follows; the old AWSPREVIOUS is deprecated", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			p2 := e.put(id, "two")
			e.wantLabels("second put", p2.VersionStages, cur)
			e.wantStages("after the second put", e.stages(id), map[string][]string{p2.VersionID: {cur}, v1: {prev}})
			p3 := e.put(id, "three")
			e.wantStages("after the third put", e.stages(id), map[string][]string{p3.VersionID: {cur}, p2.VersionID: {prev}})
			e.wantStages("all versions", e.versions(id, true), map[string][]string{p3.VersionID: {cur}, p2.VersionID: {prev}, v1: nil})
			if got := e.getString(id); got != "three" {
				e.Fatalf("AWSCURRENT value %q", got)
			}
			if got := e.get(backend.GetSecretValueInput{SecretID: id, VersionStage: prev}); *got.SecretString != "two" {
				e.Fatalf("AWSPREVIOUS value %q", *got.SecretString)
			}
		}},
		{name: "PutSecretValue with labels but not AWSCURRENT moves only those labels", fn: func(e *env) {
			// Recorded from AWS (LocalStack snapshot
			// test_non_versioning_version_stages_no_replacement).
			v1 := e.createValue("s", "v1").VersionID
			id := e.name("s")
			p2 := e.put(id, "v2", "one", "two", "three")
			e.wantLabels("PutSecretValue", p2.VersionStages, "one", "three", "two")
			e.wantStages("after the first labelled put", e.versions(id, false), map[string][]string{v1: {cur}, p2.VersionID: {"one", "three", "two"}})
			p3 := e.put(id, "v3", "one", "two", "four")
			e.wantLabels("PutSecretValue", p3.VersionStages, "four", "one", "two")
			e.wantStages("after the second labelled put", e.versions(id, false), map[string][]string{
				v1: {cur}, p2.VersionID: {"three"}, p3.VersionID: {"four", "one", "two"},
			})
			if got := e.getString(id); got != "v1" {
				e.Fatalf("AWSCURRENT moved: value %q", got)
			}
		}},
		{name: "a version whose labels all move to a new version is deprecated", fn: func(e *env) {
			// Recorded from AWS (test_non_versioning_version_stages_replacement).
			v1 := e.createValue("s", "v1").VersionID
			id := e.name("s")
			p2 := e.put(id, "v2", "one", "two", "three")
			p3 := e.put(id, "v3", "one", "two", "three", "four")
			e.wantStages("labelled versions", e.versions(id, false), map[string][]string{v1: {cur}, p3.VersionID: {"four", "one", "three", "two"}})
			e.wantStages("with deprecated", e.versions(id, true), map[string][]string{v1: {cur}, p2.VersionID: nil, p3.VersionID: {"four", "one", "three", "two"}})
			e.wantStages("VersionIdsToStages", e.stages(id), map[string][]string{v1: {cur}, p3.VersionID: {"four", "one", "three", "two"}})
		}},
		{name: "PutSecretValue with AWSCURRENT and a custom label", fn: func(e *env) {
			// Recorded from AWS (custom_stages_2).
			v1 := e.createValue("s", "S0").VersionID
			id := e.name("s")
			p2 := e.put(id, "S1", cur, "PUT0")
			e.wantLabels("PutSecretValue", p2.VersionStages, cur, "PUT0")
			e.wantStages("labels", e.stages(id), map[string][]string{v1: {prev}, p2.VersionID: {cur, "PUT0"}})
		}},
		{name: "the AWSPENDING cycle of a rotation", fn: func(e *env) {
			// Recorded from AWS (test_update_secret_version_stages_current_pending_cycle).
			v1 := e.createValue("s", "S1").VersionID
			id := e.name("s")
			v2 := e.put(id, "S2", pend).VersionID
			e.wantStages("pending added", e.stages(id), map[string][]string{v1: {cur}, v2: {pend}})
			if got := e.getString(id); got != "S1" {
				e.Fatalf("AWSCURRENT value %q while pending", got)
			}
			e.moveStage(id, cur, v2, v1)
			e.wantStages("pending promoted", e.stages(id), map[string][]string{v1: {prev}, v2: {cur, pend}})
			v3 := e.put(id, "S3", pend).VersionID
			e.wantStages("next pending", e.stages(id), map[string][]string{v1: {prev}, v2: {cur}, v3: {pend}})
			e.moveStage(id, cur, v3, v2)
			e.wantStages("next promotion", e.stages(id), map[string][]string{v2: {prev}, v3: {cur, pend}})
			e.wantStages("with deprecated", e.versions(id, true), map[string][]string{v1: nil, v2: {prev}, v3: {cur, pend}})
			if got := e.getString(id); got != "S3" {
				e.Fatalf("AWSCURRENT value %q", got)
			}
		}},
		{name: "CreateSecret without a value creates no version; the first put gets AWSCURRENT alone", fn: func(e *env) {
			n := e.name("empty")
			out := e.create(backend.CreateSecretInput{Name: n, Description: "no value yet"})
			if out.VersionID != "" {
				e.Fatalf("CreateSecret without a value returned VersionId %q", out.VersionID)
			}
			e.wantStages("VersionIdsToStages", e.stages(n), nil)
			e.wantStages("versions", e.versions(n, true), nil)
			// Observed: the message names the default label.
			_, err := e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: n})
			e.wantErr("GetSecretValue", err, backend.CodeResourceNotFound,
				msgStageNotFound("AWSCURRENT"))
			p := e.put(n, "first")
			e.wantLabels("first put", p.VersionStages, cur)
			e.wantStages("after the first put", e.stages(n), map[string][]string{p.VersionID: {cur}})
		}},
		{name: "moving AWSCURRENT back moves AWSPREVIOUS and leaves AWSPENDING", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			v3 := e.put(id, "three", pend).VersionID
			e.moveStage(id, cur, v1, v2) // roll back
			e.wantStages("after the rollback", e.stages(id), map[string][]string{v1: {cur}, v2: {prev}, v3: {pend}})
			if got := e.getString(id); got != "one" {
				e.Fatalf("AWSCURRENT value after the rollback %q", got)
			}
		}},
		{name: "moving AWSCURRENT onto the AWSPREVIOUS version swaps the two", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			e.moveStage(id, cur, v1, v2)
			e.wantStages("after the swap", e.stages(id), map[string][]string{v1: {cur}, v2: {prev}})
		}},
		{name: "moving AWSCURRENT onto a deprecated version revives it and AWSPREVIOUS follows", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			v3 := e.put(id, "three").VersionID
			e.wantStages("before", e.stages(id), map[string][]string{v3: {cur}, v2: {prev}})
			e.moveStage(id, cur, v1, v3)
			e.wantStages("after moving AWSCURRENT to the deprecated version", e.stages(id), map[string][]string{v1: {cur}, v3: {prev}})
			e.wantStages("with deprecated", e.versions(id, true), map[string][]string{v1: {cur}, v2: nil, v3: {prev}})
			if got := e.getString(id); got != "one" {
				e.Fatalf("AWSCURRENT value %q", got)
			}
		}},
		{name: "PutSecretValue naming AWSCURRENT behaves like the default", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			p := e.put(id, "two", cur)
			e.wantLabels("PutSecretValue", p.VersionStages, cur)
			e.wantStages("labels", e.stages(id), map[string][]string{p.VersionID: {cur}, v1: {prev}})
		}},
		{name: "moving AWSCURRENT without RemoveFromVersionId is rejected", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			_, err := e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: cur, MoveToVersionID: v1})
			e.wantErr("UpdateSecretVersionStage", err, backend.CodeInvalidParameter,
				msgRemoveFromRequired(cur, v2))
			e.wantStages("labels unchanged", e.stages(id), map[string][]string{v2: {cur}, v1: {prev}})
		}},
		{name: "moving a label held by another version needs that version in RemoveFromVersionId", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two", "BLUE").VersionID
			// The exception name is AWS's; the text for custom labels is not
			// known to us.
			_, err := e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: "BLUE", MoveToVersionID: v1})
			e.wantErr("UpdateSecretVersionStage without RemoveFromVersionId", err, backend.CodeInvalidParameter, "")
			v3 := e.put(id, "three", "GREEN").VersionID
			_, err = e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{
				SecretID: id, VersionStage: "BLUE", MoveToVersionID: v1, RemoveFromVersionID: v3,
			})
			e.wantErr("UpdateSecretVersionStage with the wrong RemoveFromVersionId", err, backend.CodeInvalidParameter, "")
			e.wantStages("labels unchanged", e.stages(id), map[string][]string{v1: {cur}, v2: {"BLUE"}, v3: {"GREEN"}})
			e.moveStage(id, "BLUE", v1, v2)
			e.wantStages("after the move", e.stages(id), map[string][]string{v1: {cur, "BLUE"}, v3: {"GREEN"}})
		}},
		{name: "a MoveToVersionId or RemoveFromVersionId naming no version is rejected and changes nothing", fn: func(e *env) {
			// AWS's answer is not recorded; this is moto's, the one every
			// store of this project gives (see AWS-DIFFERENCES.md).
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			missing := token()
			_, err := e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{
				SecretID: id, VersionStage: cur, MoveToVersionID: missing, RemoveFromVersionID: v1,
			})
			e.wantErr("MoveToVersionId naming no version", err, backend.CodeInvalidParameter, msgInvalidVersion(missing))
			_, err = e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: "NEW", MoveToVersionID: missing})
			e.wantErr("a new label moved to no version", err, backend.CodeInvalidParameter, msgInvalidVersion(missing))
			_, err = e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: cur, RemoveFromVersionID: missing})
			e.wantErr("RemoveFromVersionId naming no version", err, backend.CodeInvalidParameter, msgInvalidVersion(missing))
			e.wantStages("labels unchanged", e.stages(id), map[string][]string{v1: {cur}})
		}},
		{name: "RemoveFromVersionId alone removes the label and a version without labels is deprecated", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two", "TEST").VersionID
			e.moveStage(id, "TEST", "", v2)
			e.wantStages("VersionIdsToStages", e.stages(id), map[string][]string{v1: {cur}})
			e.wantStages("without deprecated", e.versions(id, false), map[string][]string{v1: {cur}})
			e.wantStages("with deprecated", e.versions(id, true), map[string][]string{v1: {cur}, v2: nil})
			_, err := e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id, VersionStage: "TEST"})
			e.wantErr("GetSecretValue by the removed label", err, backend.CodeResourceNotFound,
				msgStageNotFound("TEST"))
		}},
		{name: "a new label is attached with MoveToVersionId alone", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			e.moveStage(id, "AUDITED", v1, "")
			e.wantStages("labels", e.stages(id), map[string][]string{v1: {"AUDITED", prev}, v2: {cur}})
			v := e.get(backend.GetSecretValueInput{SecretID: id, VersionStage: "AUDITED"})
			if v.VersionID != v1 || *v.SecretString != "one" {
				e.Fatalf("GetSecretValue by the new label: %s %q", v.VersionID, *v.SecretString)
			}
		}},
		{name: "moving a label onto the version that holds it changes nothing", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			e.moveStage(id, cur, v1, v1)
			e.moveStage(id, "X", v1, "")
			e.moveStage(id, "X", v1, "")
			e.wantStages("labels", e.stages(id), map[string][]string{v1: {cur, "X"}})
		}},
		{name: "a version carries at most 20 labels", fn: func(e *env) {
			e.createValue("s", "one")
			id := e.name("s")
			labels := make([]string, 20)
			for i := range labels {
				labels[i] = "L" + itoa(i+10)
			}
			v2 := e.put(id, "two", labels...).VersionID
			// AWS's exception for a 21st label is not known to us: the
			// change must fail and change nothing.
			_, err := e.B.UpdateSecretVersionStage(e.ctx, &backend.UpdateSecretVersionStageInput{SecretID: id, VersionStage: "L99", MoveToVersionID: v2})
			if err == nil {
				e.Fatal("a 21st label was attached to a version")
			}
			got := e.versions(id, false)[v2]
			e.wantLabels("labels after the rejected move", got, sortedCopy(labels)...)
		}},
		{name: "labels come back sorted", fn: func(e *env) {
			e.createValue("s", "one")
			id := e.name("s")
			p := e.put(id, "two", "zeta", pend, "alpha", "Mid")
			want := []string{pend, "Mid", "alpha", "zeta"}
			e.wantLabels("PutSecretValue", p.VersionStages, want...)
			e.wantLabels("GetSecretValue", e.get(backend.GetSecretValueInput{SecretID: id, VersionID: p.VersionID}).VersionStages, want...)
			e.wantLabels("DescribeSecret", e.stages(id)[p.VersionID], want...)
			e.wantLabels("ListSecretVersionIds", e.versions(id, false)[p.VersionID], want...)
			e.moveStage(id, "Beta", p.VersionID, "")
			e.wantLabels("after adding a label", e.stages(id)[p.VersionID], pend, "Beta", "Mid", "alpha", "zeta")
		}},
		{name: "GetSecretValue selects by VersionId, by VersionStage, or both when they agree", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			v2 := e.put(id, "two").VersionID
			for _, c := range []struct {
				in   backend.GetSecretValueInput
				want string
				vid  string
			}{
				{backend.GetSecretValueInput{SecretID: id}, "two", v2},
				{backend.GetSecretValueInput{SecretID: id, VersionID: v1}, "one", v1},
				{backend.GetSecretValueInput{SecretID: id, VersionStage: prev}, "one", v1},
				{backend.GetSecretValueInput{SecretID: id, VersionStage: cur}, "two", v2},
				{backend.GetSecretValueInput{SecretID: id, VersionID: v1, VersionStage: prev}, "one", v1},
			} {
				v := e.get(c.in)
				if *v.SecretString != c.want || v.VersionID != c.vid {
					e.Fatalf("GetSecretValue %+v: %s %q, want %s %q", c.in, v.VersionID, *v.SecretString, c.vid, c.want)
				}
			}
		}},
		{name: "GetSecretValue with VersionId and VersionStage of different versions is rejected", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			e.put(id, "two")
			_, err := e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id, VersionID: v1, VersionStage: cur})
			e.wantErr("GetSecretValue", err, backend.CodeInvalidRequest, msgStageMismatch)
		}},
		{name: "GetSecretValue of an unknown label or version is not found", fn: func(e *env) {
			e.createValue("s", "one")
			id := e.name("s")
			_, err := e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id, VersionStage: prev})
			e.wantErr("GetSecretValue AWSPREVIOUS", err, backend.CodeResourceNotFound,
				msgStageNotFound("AWSPREVIOUS"))
			_, err = e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id, VersionStage: pend})
			e.wantErr("GetSecretValue AWSPENDING", err, backend.CodeResourceNotFound,
				msgStageNotFound("AWSPENDING"))
			missing := token()
			_, err = e.B.GetSecretValue(e.ctx, &backend.GetSecretValueInput{SecretID: id, VersionID: missing})
			e.wantErr("GetSecretValue unknown VersionId", err, backend.CodeResourceNotFound,
				msgVersionNotFound(missing))
		}},
		{name: "a deprecated version keeps its value and is readable by VersionId", fn: func(e *env) {
			v1 := e.createValue("s", "first").VersionID
			id := e.name("s")
			e.put(id, "second")
			e.put(id, "third")
			v := e.get(backend.GetSecretValueInput{SecretID: id, VersionID: v1})
			if *v.SecretString != "first" || len(v.VersionStages) != 0 {
				e.Fatalf("deprecated version: %q labels %q", *v.SecretString, v.VersionStages)
			}
		}},
		{name: "ListSecretVersionIds pages with MaxResults and NextToken", fn: func(e *env) {
			want := map[string][]string{}
			v1 := e.createValue("s", "0").VersionID
			id := e.name("s")
			want[v1] = nil
			for i := 1; i <= 4; i++ {
				want[e.put(id, itoa(i)).VersionID] = nil
			}
			st := e.stages(id)
			for v, l := range st {
				want[v] = l
			}
			got := map[string][]string{}
			in := &backend.ListSecretVersionIdsInput{SecretID: id, IncludeDeprecated: true, MaxResults: 2}
			pages := 0
			for {
				pages++
				if pages > 10 {
					e.Fatal("more than 10 pages for 5 versions")
				}
				out, err := e.B.ListSecretVersionIds(e.ctx, in)
				if err != nil {
					e.Fatal(err)
				}
				if len(out.Versions) > 2 {
					e.Fatalf("page of %d versions with MaxResults 2", len(out.Versions))
				}
				if out.Name != id {
					e.Fatalf("ListSecretVersionIds named %q", out.Name)
				}
				for _, v := range out.Versions {
					if _, dup := got[v.VersionID]; dup {
						e.Fatalf("version %s listed twice", v.VersionID)
					}
					got[v.VersionID] = norm(v.VersionStages)
				}
				if out.NextToken == "" {
					break
				}
				in.NextToken = out.NextToken
			}
			if pages < 3 {
				e.Fatalf("5 versions in %d pages of at most 2", pages)
			}
			e.wantStages("paged versions", got, want)
		}},
		{name: "UpdateSecret with a value makes a new AWSCURRENT version", fn: func(e *env) {
			// Recorded from AWS (test_update_secret_description).
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			tok := token()
			out, err := e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, ClientRequestToken: tok, SecretString: str("two"), Description: str("MyNewDescription")})
			if err != nil {
				e.Fatal(err)
			}
			if out.VersionID != tok {
				e.Fatalf("UpdateSecret VersionId %q, want the token %q", out.VersionID, tok)
			}
			e.wantStages("labels", e.stages(id), map[string][]string{tok: {cur}, v1: {prev}})
			if m := e.describe(id); m.Description != "MyNewDescription" {
				e.Fatalf("description %q", m.Description)
			}
		}},
		{name: "UpdateSecret changing only the description creates no version", fn: func(e *env) {
			v1 := e.createValue("s", "one").VersionID
			id := e.name("s")
			out, err := e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, Description: str("MyDescription")})
			if err != nil {
				e.Fatal(err)
			}
			if out.VersionID != "" {
				e.Fatalf("UpdateSecret without a value returned VersionId %q", out.VersionID)
			}
			e.wantStages("versions", e.versions(id, true), map[string][]string{v1: {cur}})
			if m := e.describe(id); m.Description != "MyDescription" {
				e.Fatalf("description %q", m.Description)
			}
		}},
		{name: "LastChangedDate follows new versions and metadata changes", clock: true, fn: func(e *env) {
			e.createValue("s", "one")
			id := e.name("s")
			e.advance(time.Hour)
			e.put(id, "two")
			e.wantTime("LastChangedDate after a put", e.describe(id).LastChangedDate, e.now())
			e.advance(time.Hour)
			if _, err := e.B.UpdateSecret(e.ctx, &backend.UpdateSecretInput{SecretID: id, Description: str("d")}); err != nil {
				e.Fatal(err)
			}
			e.wantTime("LastChangedDate after a description change", e.describe(id).LastChangedDate, e.now())
			e.advance(time.Hour)
			e.getString(id)
			if d := e.now().Sub(e.describe(id).LastChangedDate); d < time.Hour-e.tolerance() {
				e.Fatal("reading the value changed LastChangedDate")
			}
		}},
		{name: "unlabelled versions beyond 100 are kept while younger than a day", expensive: true, fn: func(e *env) {
			v1 := e.createValue("s", "0").VersionID
			id := e.name("s")
			ids := []string{v1}
			for i := 1; i <= 103; i++ {
				ids = append(ids, e.put(id, itoa(i)).VersionID)
			}
			got := e.versions(id, true)
			if len(got) != 104 {
				e.Fatalf("%d versions listed, want all 104 (102 deprecated, none a day old)", len(got))
			}
			for _, v := range ids {
				if _, ok := got[v]; !ok {
					e.Fatalf("version %s was removed before it was a day old", v)
				}
			}
		}},
		{name: "unlabelled versions beyond 100 are removed oldest first once a day old; labelled ones stay", expensive: true, clock: true, fn: func(e *env) {
			v0 := e.createValue("s", "0").VersionID
			id := e.name("s")
			e.moveStage(id, "KEEP", v0, "") // labelled: never removed
			ids := []string{v0}
			for i := 1; i <= 102; i++ {
				e.advance(time.Second) // distinct creation times: "oldest" is well defined
				ids = append(ids, e.put(id, itoa(i)).VersionID)
			}
			// v1…v100 are deprecated (100, none removed yet), v101 is
			// AWSPREVIOUS, v102 AWSCURRENT.
			if got := len(e.versions(id, true)); got != 103 {
				e.Fatalf("%d versions before a day passed, want 103", got)
			}
			e.advance(25 * time.Hour)
			for i := 103; i <= 105; i++ {
				e.advance(time.Second)
				ids = append(ids, e.put(id, itoa(i)).VersionID)
			}
			// Now v1…v103 are deprecated: 103, of which v103 is young.
			// The three oldest (v1, v2, v3) go; v103 stays.
			got := e.versions(id, true)
			want := map[string][]string{ids[0]: {"KEEP"}, ids[105]: {cur}, ids[104]: {prev}}
			for i := 4; i <= 103; i++ {
				want[ids[i]] = nil
			}
			e.wantStages("versions after pruning", got, want)
		}},
	}
}
