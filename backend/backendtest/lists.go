package backendtest

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func listCases() []testCase {
	return []testCase{
		{name: "ListSecrets pages with MaxResults and NextToken", fn: func(e *env) {
			var want []string
			for i := 0; i < 5; i++ {
				e.createValue("p"+itoa(i), "v")
				want = append(want, "p"+itoa(i))
			}
			e.wantList(backend.ListSecretsInput{MaxResults: 2}, false, want...)
			e.eventually(func() error {
				_, pages, err := e.listAll(backend.ListSecretsInput{MaxResults: 2})
				if err != nil {
					return err
				}
				// A page may be short and still carry NextToken, so more
				// pages are fine; fewer cannot hold five secrets.
				if pages < 3 {
					return fmt.Errorf("5 secrets came in %d pages of at most 2", pages)
				}
				return nil
			})
		}},
		{name: "SortOrder orders by creation date", fn: func(e *env) {
			for _, s := range []string{"b-first", "c-second", "a-third"} {
				e.createValue(s, "v")
				e.advance(1100 * time.Millisecond)
			}
			e.wantList(backend.ListSecretsInput{SortOrder: backend.SortAsc}, true, "b-first", "c-second", "a-third")
			e.wantList(backend.ListSecretsInput{SortOrder: backend.SortDesc}, true, "a-third", "c-second", "b-first")
			e.wantList(backend.ListSecretsInput{SortOrder: backend.SortDesc, SortBy: backend.SortByCreatedDate}, true, "a-third", "c-second", "b-first")
		}},
		{name: "SortBy name orders by name", fn: func(e *env) {
			for _, s := range []string{"b", "c", "a"} {
				e.createValue(s, "v")
			}
			e.wantList(backend.ListSecretsInput{SortBy: backend.SortByName, SortOrder: backend.SortAsc}, true, "a", "b", "c")
			e.wantList(backend.ListSecretsInput{SortBy: backend.SortByName, SortOrder: backend.SortDesc}, true, "c", "b", "a")
			e.wantList(backend.ListSecretsInput{SortBy: backend.SortByName, SortOrder: backend.SortAsc, MaxResults: 1}, true, "a", "b", "c")
		}},
		{name: "SortBy last-changed-date orders by the last change", fn: func(e *env) {
			for _, s := range []string{"a", "b", "c"} {
				e.createValue(s, "v")
				e.advance(1100 * time.Millisecond)
			}
			e.put(e.name("a"), "changed")
			e.wantList(backend.ListSecretsInput{SortBy: backend.SortByLastChangedDate, SortOrder: backend.SortAsc}, true, "b", "c", "a")
			e.wantList(backend.ListSecretsInput{SortBy: backend.SortByLastChangedDate, SortOrder: backend.SortDesc}, true, "a", "c", "b")
		}},
		{name: "a NextToken that no listing issued is rejected", fn: func(e *env) {
			// The exception name is in the API model; its text is not known
			// to us.
			_, err := e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{NextToken: "not-a-token-we-issued"})
			e.wantErr("ListSecrets", err, backend.CodeInvalidNextToken, "")
			e.createValue("s", "v")
			_, err = e.B.ListSecretVersionIds(e.ctx, &backend.ListSecretVersionIdsInput{SecretID: e.name("s"), NextToken: "not-a-token-we-issued"})
			e.wantErr("ListSecretVersionIds", err, backend.CodeInvalidNextToken, "")
		}},
		{name: "ListSecrets reports each secret's metadata and labels", fn: func(e *env) {
			n := e.name("meta")
			out := e.create(backend.CreateSecretInput{Name: n, Description: "the db", SecretString: str("v"), ClientRequestToken: token(),
				Tags: []backend.Tag{{Key: "team", Value: "payments"}}})
			p := e.put(n, "w")
			e.eventually(func() error {
				all, _, err := e.listAll(backend.ListSecretsInput{})
				if err != nil {
					return err
				}
				if len(all) != 1 {
					return fmt.Errorf("listed %d secrets, want 1", len(all))
				}
				m := all[0]
				want := map[string][]string{p.VersionID: {cur}, out.VersionID: {prev}}
				if m.ARN != out.ARN || m.Description != "the db" || !reflect.DeepEqual(tagMap(m.Tags), map[string]string{"team": "payments"}) ||
					!reflect.DeepEqual(normStages(m.VersionIdsToStages), want) || m.CreatedDate.IsZero() {
					return fmt.Errorf("ListSecrets entry %+v", m)
				}
				return nil
			})
		}},
	}
}

// filterFixture creates three secrets and returns their name suffixes.
func filterFixture(e *env) {
	e.create(backend.CreateSecretInput{Name: e.name("app/credsDatabase892"), Description: "The primary Database password",
		Tags: []backend.Tag{{Key: "Environment", Value: "Production"}, {Key: "team", Value: "payments"}}})
	e.create(backend.CreateSecretInput{Name: e.name("app/api-key"),
		Tags: []backend.Tag{{Key: "env", Value: "staging"}}})
	e.create(backend.CreateSecretInput{Name: e.name("App/token")})
}

const (
	fxDB    = "app/credsDatabase892"
	fxAPI   = "app/api-key"
	fxToken = "App/token"
)

func filterCase(name string, filters func(e *env) []backend.Filter, want ...string) testCase {
	return testCase{name: name, fn: func(e *env) {
		filterFixture(e)
		e.wantList(backend.ListSecretsInput{Filters: filters(e)}, false, want...)
	}}
}

func fl(key string, values ...string) backend.Filter { return backend.Filter{Key: key, Values: values} }

func filterCases() []testCase {
	return []testCase{
		filterCase("name is a prefix of the whole name", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterName, e.name("app/"))}
		}, fxDB, fxAPI),
		filterCase("name is case-sensitive", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterName, e.name("App/"))}
		}, fxToken),
		filterCase("name is not split into words", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterName, "api", "credsDatabase", "token")}
		}),
		filterCase("description matches word prefixes, ignoring case", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterDescription, "DATA")}
		}, fxDB),
		filterCase("description needs every word of the value", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterDescription, "primary pass")}
		}, fxDB),
		filterCase("description does not match inside a word", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterDescription, "base", "imary")}
		}),
		filterCase("description looks at descriptions only", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterDescription, "key", "token", "team", "staging")}
		}),
		filterCase("tag-key is a case-sensitive prefix", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterTagKey, "env")}
		}, fxAPI),
		filterCase("tag-key matches its exact case", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterTagKey, "Env")}
		}, fxDB),
		filterCase("tag-key looks at keys, not values", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterTagKey, "Prod", "staging", "pay")}
		}),
		filterCase("tag-value is a case-sensitive prefix", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterTagValue, "Prod", "stag")}
		}, fxDB, fxAPI),
		filterCase("tag-value in another case does not match", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterTagValue, "prod", "STAG")}
		}),
		filterCase("all matches words of the name split on case and digits", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterAll, "database 892")}
		}, fxDB),
		filterCase("all does not match inside a word", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterAll, "atabase")}
		}),
		filterCase("all matches the description", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterAll, "PRIMARY")}
		}, fxDB),
		filterCase("all matches tag keys and values, ignoring case", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterAll, "TEAM", "Staging")}
		}, fxDB, fxAPI),
		filterCase("! negates a name", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterName, "!"+e.name("app/"))}
		}, fxToken),
		filterCase("! on a tag key selects secrets without such a tag", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterTagKey, "!env")}
		}, fxDB, fxToken),
		filterCase("values of one filter OR together", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterName, e.name("app/creds"), e.name("App/"))}
		}, fxDB, fxToken),
		filterCase("filters AND together", func(e *env) []backend.Filter {
			return []backend.Filter{fl(backend.FilterName, e.name("app/"), e.name("App/")), fl(backend.FilterTagKey, "team")}
		}, fxDB),
		{name: "IncludePlannedDeletion applies with filters", fn: func(e *env) {
			filterFixture(e)
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name(fxAPI)}); err != nil {
				e.Fatal(err)
			}
			f := []backend.Filter{fl(backend.FilterName, e.name("app/"))}
			e.wantList(backend.ListSecretsInput{Filters: f}, false, fxDB)
			e.wantList(backend.ListSecretsInput{Filters: f, IncludePlannedDeletion: true}, false, fxDB, fxAPI)
		}},
		{name: "invalid filters are rejected", fn: func(e *env) {
			_, err := e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{Filters: []backend.Filter{fl("colour", "red")}})
			e.wantErr("unknown key", err, backend.CodeValidation, validation("colour", "filters.1.member.key",
				"Member must satisfy enum value set: [all, name, tag-key, description, tag-value, primary-region, owning-service]"))
			eleven := make([]backend.Filter, 11)
			for i := range eleven {
				eleven[i] = fl(backend.FilterName, "a")
			}
			_, err = e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{Filters: eleven})
			e.wantErr("11 filters", err, backend.CodeValidation, validationHidden("filters", "Member must have length less than or equal to 10"))
			_, err = e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{Filters: []backend.Filter{fl(backend.FilterName, strings.Split("a b c d e f g h i j k", " ")...)}})
			e.wantErr("11 values", err, backend.CodeValidation,
				validation("[a, b, c, d, e, f, g, h, i, j, k]", "filters.1.member.values", "Member must have length less than or equal to 10"))
			long := strings.Repeat("v", 513)
			_, err = e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{Filters: []backend.Filter{fl(backend.FilterName, long)}})
			e.wantErr("value of 513 characters", err, backend.CodeValidation,
				validation(long, "filters.1.member.values.1.member", "Member must have length less than or equal to 512"))
			_, err = e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{Filters: []backend.Filter{fl(backend.FilterDescription, "a#b")}})
			e.wantErr("value with #", err, backend.CodeValidation,
				validation("a#b", "filters.1.member.values.1.member", `Member must satisfy regular expression pattern: ^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$`))
			_, err = e.B.ListSecrets(e.ctx, &backend.ListSecretsInput{SortOrder: "sideways"})
			e.wantErr("sort order", err, backend.CodeValidation, validation("sideways", "sortOrder", "Member must satisfy enum value set: [asc, desc]"))
		}},
	}
}

func batchCases() []testCase {
	return []testCase{
		{name: "by SecretIdList with per-secret errors", fn: func(e *env) {
			a := e.createValue("a", "alpha")
			bin := []byte{0, 1, 2, 0xff}
			b := e.create(backend.CreateSecretInput{Name: e.name("b"), SecretBinary: bin})
			missing := e.name("missing")
			out, err := e.B.BatchGetSecretValue(e.ctx, &backend.BatchGetSecretValueInput{SecretIDList: []string{e.name("a"), b.ARN, missing}})
			if err != nil {
				e.Fatal(err)
			}
			got := map[string]backend.SecretValue{}
			for _, v := range out.SecretValues {
				got[v.Name] = v
			}
			if len(out.SecretValues) != 2 {
				e.Fatalf("%d values, want 2", len(out.SecretValues))
			}
			if v := got[e.name("a")]; v.SecretString == nil || *v.SecretString != "alpha" || v.VersionID != a.VersionID || v.ARN != a.ARN {
				e.Fatalf("value of a: %+v", v)
			}
			e.wantLabels("a", got[e.name("a")].VersionStages, cur)
			if v := got[e.name("b")]; !bytes.Equal(v.SecretBinary, bin) || v.SecretString != nil {
				e.Fatalf("value of b: %v", v.SecretBinary)
			}
			if len(out.Errors) != 1 || out.Errors[0].SecretID != missing || out.Errors[0].ErrorCode != backend.CodeResourceNotFound {
				e.Fatalf("errors %+v, want one ResourceNotFoundException for %q", out.Errors, missing)
			}
		}},
		{name: "a secret marked for deletion is an error, not a value", fn: func(e *env) {
			e.createValue("live", "v")
			e.createValue("gone", "v")
			if _, err := e.B.DeleteSecret(e.ctx, &backend.DeleteSecretInput{SecretID: e.name("gone")}); err != nil {
				e.Fatal(err)
			}
			out, err := e.B.BatchGetSecretValue(e.ctx, &backend.BatchGetSecretValueInput{SecretIDList: []string{e.name("live"), e.name("gone")}})
			if err != nil {
				e.Fatal(err)
			}
			if len(out.SecretValues) != 1 || out.SecretValues[0].Name != e.name("live") {
				e.Fatalf("values %d, want only the live secret", len(out.SecretValues))
			}
			if len(out.Errors) != 1 || out.Errors[0].SecretID != e.name("gone") || out.Errors[0].ErrorCode != backend.CodeInvalidRequest {
				e.Fatalf("errors %+v, want one InvalidRequestException for the scheduled secret", out.Errors)
			}
		}},
		{name: "by filters, page by page", fn: func(e *env) {
			want := []string{}
			for i := 0; i < 3; i++ {
				e.createValue("f"+itoa(i), "value "+itoa(i))
				want = append(want, e.name("f"+itoa(i)))
			}
			e.createValue("other", "x")
			e.eventually(func() error {
				var got []string
				in := &backend.BatchGetSecretValueInput{Filters: []backend.Filter{fl(backend.FilterName, e.name("f"))}, MaxResults: 2}
				for pages := 0; ; pages++ {
					if pages > 20 {
						return fmt.Errorf("more than 20 pages")
					}
					out, err := e.B.BatchGetSecretValue(e.ctx, in)
					if err != nil {
						return err
					}
					if len(out.SecretValues) > 2 {
						return fmt.Errorf("page of %d values with MaxResults 2", len(out.SecretValues))
					}
					for _, v := range out.SecretValues {
						if v.SecretString == nil || !strings.HasPrefix(*v.SecretString, "value ") {
							return fmt.Errorf("value of %s: %v", v.Name, v.SecretString)
						}
						got = append(got, v.Name)
					}
					if out.NextToken == "" {
						break
					}
					in.NextToken = out.NextToken
				}
				sort.Strings(got)
				if !reflect.DeepEqual(got, want) {
					return fmt.Errorf("BatchGetSecretValue by filter returned %q, want %q", got, want)
				}
				return nil
			})
		}},
		{name: "exactly one of SecretIdList and Filters", fn: func(e *env) {
			msg := "Either 'SecretIdList' or 'Filters' must be provided, but not both."
			_, err := e.B.BatchGetSecretValue(e.ctx, &backend.BatchGetSecretValueInput{})
			e.wantErr("neither", err, backend.CodeInvalidParameter, msg)
			_, err = e.B.BatchGetSecretValue(e.ctx, &backend.BatchGetSecretValueInput{
				SecretIDList: []string{e.name("a")}, Filters: []backend.Filter{fl(backend.FilterName, e.prefix)},
			})
			e.wantErr("both", err, backend.CodeInvalidParameter, msg)
		}},
	}
}

func tagCases() []testCase {
	return []testCase{
		{name: "Tags is absent before any tag and [] after the last is removed", fn: func(e *env) {
			// Recorded from AWS: DescribeSecret has no Tags key for a secret
			// never tagged, and "Tags": [] once its last tag is removed.
			n := e.name("s")
			e.create(backend.CreateSecretInput{Name: n, SecretString: str("v")})
			if tags := e.describe(n).Tags; tags != nil {
				e.Fatalf("Tags of a secret never tagged = %#v, want absent", tags)
			}
			if err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: n, Tags: []backend.Tag{{Key: "k", Value: "v"}}}); err != nil {
				e.Fatal(err)
			}
			if err := e.B.UntagResource(e.ctx, &backend.UntagResourceInput{SecretID: n, TagKeys: []string{"k"}}); err != nil {
				e.Fatal(err)
			}
			if tags := e.describe(n).Tags; tags == nil || len(tags) != 0 {
				e.Fatalf("Tags after removing the last tag = %#v, want [] (present and empty)", tags)
			}
		}},
		{name: "TagResource adds and overwrites, UntagResource removes", fn: func(e *env) {
			n := e.name("s")
			e.create(backend.CreateSecretInput{Name: n, Tags: []backend.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}})
			if err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: n, Tags: []backend.Tag{{Key: "b", Value: "3"}, {Key: "c", Value: "4"}}}); err != nil {
				e.Fatal(err)
			}
			if got := tagMap(e.describe(n).Tags); !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "3", "c": "4"}) {
				e.Fatalf("tags after TagResource %v", got)
			}
			if err := e.B.UntagResource(e.ctx, &backend.UntagResourceInput{SecretID: n, TagKeys: []string{"a", "not-there"}}); err != nil {
				e.Fatal(err)
			}
			if got := tagMap(e.describe(n).Tags); !reflect.DeepEqual(got, map[string]string{"b": "3", "c": "4"}) {
				e.Fatalf("tags after UntagResource %v", got)
			}
			if err := e.B.UntagResource(e.ctx, &backend.UntagResourceInput{SecretID: n, TagKeys: []string{"b", "c"}}); err != nil {
				e.Fatal(err)
			}
			if got := e.describe(n).Tags; len(got) != 0 {
				e.Fatalf("tags after removing all %v", got)
			}
		}},
		{name: "tag keys are case-sensitive", fn: func(e *env) {
			n := e.name("s")
			e.create(backend.CreateSecretInput{Name: n, Tags: []backend.Tag{{Key: "Env", Value: "1"}}})
			if err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: n, Tags: []backend.Tag{{Key: "env", Value: "2"}}}); err != nil {
				e.Fatal(err)
			}
			if got := tagMap(e.describe(n).Tags); !reflect.DeepEqual(got, map[string]string{"Env": "1", "env": "2"}) {
				e.Fatalf("tags %v", got)
			}
		}},
		{name: "the aws: prefix is reserved", fn: func(e *env) {
			n := e.name("s")
			e.create(backend.CreateSecretInput{Name: n})
			err := e.B.TagResource(e.ctx, &backend.TagResourceInput{SecretID: n, Tags: []backend.Tag{{Key: "ok", Value: "v"}, {Key: "aws:cloudformation:stack-name", Value: "x"}}})
			e.wantErr("TagResource", err, backend.CodeInvalidParameter, msgSystemTag("aws:cloudformation:stack-name"))
			if got := e.describe(n).Tags; len(got) != 0 {
				e.Fatalf("a rejected TagResource stored %v", got)
			}
			n2 := e.name("s2")
			e.track(n2)
			_, err = e.B.CreateSecret(e.ctx, &backend.CreateSecretInput{Name: n2, Tags: []backend.Tag{{Key: "aws:owner", Value: "x"}}})
			e.wantErr("CreateSecret", err, backend.CodeInvalidParameter, msgSystemTag("aws:owner"))
		}},
	}
}

func passwordCases() []testCase {
	const (
		lower = backend.PasswordLowercase
		upper = backend.PasswordUppercase
		digit = backend.PasswordDigits
		punct = backend.PasswordPunctuation
	)
	gen := func(e *env, in backend.GetRandomPasswordInput) string {
		e.Helper()
		p, err := e.B.GetRandomPassword(e.ctx, &in)
		if err != nil {
			e.Fatalf("GetRandomPassword %+v: %v", in, err)
		}
		return p
	}
	only := func(e *env, p, allowed string) {
		e.Helper()
		for _, r := range p {
			if !strings.ContainsRune(allowed, r) {
				e.Fatalf("character %q is not allowed here", r)
			}
		}
	}
	return []testCase{
		{name: "defaults: 32 characters with every type", fn: func(e *env) {
			for i := 0; i < 20; i++ {
				p := gen(e, backend.GetRandomPasswordInput{})
				if len(p) != 32 {
					e.Fatalf("length %d, want 32", len(p))
				}
				only(e, p, lower+upper+digit+punct)
				for _, set := range []string{lower, upper, digit, punct} {
					if !strings.ContainsAny(p, set) {
						e.Fatalf("%d-character password lacks one of %q", len(p), set)
					}
				}
			}
		}},
		{name: "length 1 to 4096", fn: func(e *env) {
			if p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(1), RequireEachIncludedType: boolp(false)}); len(p) != 1 {
				e.Fatalf("length %d, want 1", len(p))
			}
			if p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096)}); len(p) != 4096 {
				e.Fatalf("length %d, want 4096", len(p))
			}
			_, err := e.B.GetRandomPassword(e.ctx, &backend.GetRandomPasswordInput{PasswordLength: intp(4097)})
			e.wantErr("4097", err, backend.CodeValidation, validation("4097", "passwordLength", "Member must have value less than or equal to 4096"))
			_, err = e.B.GetRandomPassword(e.ctx, &backend.GetRandomPasswordInput{PasswordLength: intp(0)})
			e.wantErr("0", err, backend.CodeValidation, validation("0", "passwordLength", "Member must have value greater than or equal to 1"))
		}},
		{name: "exclusion flags and ExcludeCharacters", fn: func(e *env) {
			only(e, gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096), ExcludeNumbers: true}), lower+upper+punct)
			only(e, gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096), ExcludePunctuation: true}), lower+upper+digit)
			only(e, gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096), ExcludeUppercase: true, ExcludeLowercase: true}), digit+punct)
			p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096), ExcludeCharacters: `:/@"'\`})
			if strings.ContainsAny(p, `:/@"'\`) {
				e.Fatal("an excluded character was drawn")
			}
		}},
		{name: "punctuation is AWS's set of 32 characters", fn: func(e *env) {
			p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096), ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true})
			only(e, p, punct)
			for _, r := range punct {
				// 4096 draws from 32 characters miss one with probability
				// about 1e-55.
				if !strings.ContainsRune(p, r) {
					e.Fatalf("punctuation %q never drawn", r)
				}
			}
		}},
		{name: "IncludeSpace adds the space", fn: func(e *env) {
			if p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096), IncludeSpace: true}); !strings.Contains(p, " ") {
				e.Fatal("no space in 4096 characters with IncludeSpace")
			}
			if p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4096)}); strings.Contains(p, " ") {
				e.Fatal("a space without IncludeSpace")
			}
		}},
		{name: "RequireEachIncludedType puts every type in a short password", fn: func(e *env) {
			for i := 0; i < 20; i++ {
				p := gen(e, backend.GetRandomPasswordInput{PasswordLength: intp(4)})
				for _, set := range []string{lower, upper, digit, punct} {
					if !strings.ContainsAny(p, set) {
						e.Fatalf("%q lacks one of %q", p, set)
					}
				}
			}
		}},
		{name: "every type excluded is rejected", fn: func(e *env) {
			// AWS's text for this case is not known to us.
			_, err := e.B.GetRandomPassword(e.ctx, &backend.GetRandomPasswordInput{ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true})
			e.wantErr("GetRandomPassword", err, backend.CodeInvalidParameter, "")
		}},
		{name: "passwords are never repeated", fn: func(e *env) {
			seen := map[string]bool{}
			for i := 0; i < 50; i++ {
				p := gen(e, backend.GetRandomPasswordInput{})
				if seen[p] {
					e.Fatalf("password repeated after %d draws", i)
				}
				seen[p] = true
			}
		}},
	}
}

func boolp(b bool) *bool { return &b }
