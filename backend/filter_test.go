package backend_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/secretary-sh/secretary/backend"
)

func TestSplitWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"credsDatabase#892", []string{"creds", "Database", "892"}},
		{"prod/payments/postgres", []string{"prod", "payments", "postgres"}},
		{"HTTPServer", []string{"HTTP", "Server"}},
		{"myHTTPServer2go", []string{"my", "HTTP", "Server", "2", "go"}},
		{"db1", []string{"db", "1"}},
		{"v2beta", []string{"v", "2", "beta"}},
		{"ABC", []string{"ABC"}},
		{"Abc", []string{"Abc"}},
		{"aB", []string{"a", "B"}},
		{"the database password", []string{"the", "database", "password"}},
		{"a_b-c.d+e=f@g", []string{"a", "b", "c", "d", "e", "f", "g"}},
		{"", nil},
		{"/", nil},
		{"--__", nil},
		{"  lead and trail  ", []string{"lead", "and", "trail"}},
		{"ÜberSecret", []string{"Über", "Secret"}},
		{"naïveValue", []string{"naïve", "Value"}},
		{"日本Key", []string{"日本", "Key"}},
	} {
		if got := backend.SplitWords(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzSplitWords checks the invariants every split must keep: words are
// non-empty substrings of the input, in order, without separators, never
// mixing letters and digits, never with a lower→upper case change inside,
// and every letter or digit of the input lands in exactly one word.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{"credsDatabase#892", "HTTPServer", "prod/db-01", "", "a", "ÜberSecret", "日本Key", "\xff\xfe", "A1b2C3", "aAaA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := backend.SplitWords(s)
		rest := s
		letters := 0
		for _, w := range words {
			if w == "" {
				t.Fatalf("empty word in %q", words)
			}
			i := strings.Index(rest, w)
			if i < 0 {
				t.Fatalf("word %q not found in order in %q (words %q)", w, s, words)
			}
			// What lies between two words is separators only, unless the
			// split happened at a case or letter/digit change.
			for _, r := range rest[:i] {
				if isWordRune(r) {
					t.Fatalf("skipped letter or digit %q before %q in %q (words %q)", r, w, s, words)
				}
			}
			rest = rest[i+len(w):]
			hasDigit, hasLetter := false, false
			prevLower := false
			for _, r := range w {
				if !isWordRune(r) {
					t.Fatalf("word %q holds separator %q", w, r)
				}
				if unicode.IsDigit(r) {
					hasDigit = true
				} else {
					hasLetter = true
				}
				if prevLower && (unicode.IsUpper(r) || unicode.IsTitle(r)) {
					t.Fatalf("word %q changes from lower to upper case", w)
				}
				prevLower = unicode.IsLetter(r) && !unicode.IsUpper(r) && !unicode.IsTitle(r)
				letters++
			}
			if hasDigit && hasLetter {
				t.Fatalf("word %q mixes letters and digits", w)
			}
		}
		for _, r := range rest {
			if isWordRune(r) {
				t.Fatalf("trailing letter or digit %q left out of %q (words %q)", r, s, words)
			}
		}
		want := 0
		for _, r := range s {
			if isWordRune(r) {
				want++
			}
		}
		if letters != want {
			t.Fatalf("%d letters and digits in words, %d in %q (words %q)", letters, want, s, words)
		}
	})
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func secret(name, description string, tags ...string) *backend.SecretMetadata {
	m := &backend.SecretMetadata{Name: name, Description: description}
	for i := 0; i+1 < len(tags); i += 2 {
		m.Tags = append(m.Tags, backend.Tag{Key: tags[i], Value: tags[i+1]})
	}
	return m
}

func f(key string, values ...string) backend.Filter { return backend.Filter{Key: key, Values: values} }

func TestMatchFilters(t *testing.T) {
	db := secret("prod/credsDatabase892", "The primary Database password", "Environment", "Production", "team", "payments")
	api := secret("staging/api-key", "", "env", "staging")
	bare := secret("App/token", "")
	bare.PrimaryRegion = "eu-west-1"
	bare.OwningService = "rds"

	for _, c := range []struct {
		name    string
		filters []backend.Filter
		want    []*backend.SecretMetadata
	}{
		{"no filters match everything", nil, []*backend.SecretMetadata{db, api, bare}},
		{"name prefix", []backend.Filter{f("name", "prod/")}, []*backend.SecretMetadata{db}},
		{"name is case-sensitive", []backend.Filter{f("name", "app")}, nil},
		{"name matches its exact case", []backend.Filter{f("name", "App")}, []*backend.SecretMetadata{bare}},
		{"name is not split into words", []backend.Filter{f("name", "api")}, nil},
		{"name prefix with full path", []backend.Filter{f("name", "staging/api-key")}, []*backend.SecretMetadata{api}},
		{"description word prefix", []backend.Filter{f("description", "data")}, []*backend.SecretMetadata{db}},
		{"description is case-insensitive", []backend.Filter{f("description", "PRIMARY pass")}, []*backend.SecretMetadata{db}},
		{"description word inside a word does not match", []backend.Filter{f("description", "base")}, nil},
		{"description needs every word", []backend.Filter{f("description", "primary secret")}, nil},
		{"empty description never matches", []backend.Filter{f("description", "a")}, nil},
		{"tag-key prefix", []backend.Filter{f("tag-key", "env")}, []*backend.SecretMetadata{api}},
		{"tag-key is case-sensitive", []backend.Filter{f("tag-key", "Env")}, []*backend.SecretMetadata{db}},
		{"tag-value prefix", []backend.Filter{f("tag-value", "Prod")}, []*backend.SecretMetadata{db}},
		{"tag-value is case-sensitive", []backend.Filter{f("tag-value", "prod")}, nil},
		{"all matches words of the name", []backend.Filter{f("all", "database")}, []*backend.SecretMetadata{db}},
		{"all matches digits split from letters", []backend.Filter{f("all", "892")}, []*backend.SecretMetadata{db}},
		{"all does not match inside a word", []backend.Filter{f("all", "atabase")}, nil},
		{"all matches the description", []backend.Filter{f("all", "primary")}, []*backend.SecretMetadata{db}},
		{"all matches tag keys", []backend.Filter{f("all", "TEAM")}, []*backend.SecretMetadata{db}},
		{"all matches tag values", []backend.Filter{f("all", "stag")}, []*backend.SecretMetadata{api}},
		{"all splits the value into words", []backend.Filter{f("all", "prod/creds")}, []*backend.SecretMetadata{db}},
		{"all needs every word in one attribute", []backend.Filter{f("all", "creds payments")}, nil},
		{"all with only punctuation matches nothing", []backend.Filter{f("all", "/")}, nil},
		{"negated name", []backend.Filter{f("name", "!prod/")}, []*backend.SecretMetadata{api, bare}},
		{"negated tag-key means no such tag", []backend.Filter{f("tag-key", "!env")}, []*backend.SecretMetadata{db, bare}},
		{"negated description includes secrets without one", []backend.Filter{f("description", "!database")}, []*backend.SecretMetadata{api, bare}},
		{"negated all", []backend.Filter{f("all", "!staging")}, []*backend.SecretMetadata{db, bare}},
		{"values OR together", []backend.Filter{f("name", "prod/", "App")}, []*backend.SecretMetadata{db, bare}},
		{"filters AND together", []backend.Filter{f("name", "prod/", "staging/"), f("tag-key", "team")}, []*backend.SecretMetadata{db}},
		{"negated and positive values OR", []backend.Filter{f("name", "prod/", "!staging/")}, []*backend.SecretMetadata{db, bare}},
		{"primary-region prefix", []backend.Filter{f("primary-region", "eu-")}, []*backend.SecretMetadata{bare}},
		{"owning-service prefix", []backend.Filter{f("owning-service", "rd")}, []*backend.SecretMetadata{bare}},
		{"unknown key matches nothing", []backend.Filter{f("colour", "a")}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			// MatchFilters and a compiled FilterSet must agree.
			var got, compiled []*backend.SecretMetadata
			fs := backend.CompileFilters(c.filters)
			for _, m := range []*backend.SecretMetadata{db, api, bare} {
				if backend.MatchFilters(m, c.filters) {
					got = append(got, m)
				}
				if fs.Match(m) {
					compiled = append(compiled, m)
				}
			}
			if !reflect.DeepEqual(names(got), names(c.want)) {
				t.Fatalf("MatchFilters matched %q, want %q", names(got), names(c.want))
			}
			if !reflect.DeepEqual(names(compiled), names(c.want)) {
				t.Fatalf("FilterSet matched %q, want %q", names(compiled), names(c.want))
			}
		})
	}
}

func names(ms []*backend.SecretMetadata) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

// FuzzMatchFilters checks that negation is exact: for any secret and any
// single value, the value and its "!" form never both match nor both miss.
func FuzzMatchFilters(f *testing.F) {
	f.Add("prod/credsDatabase892", "The Database", "env", "prod", "name", "prod")
	f.Add("a", "", "", "", "all", "")
	f.Add("HTTPServer", "x y", "k", "v", "description", "X")
	f.Add("App", "", "team", "payments", "tag-key", "te")
	f.Fuzz(func(t *testing.T, name, desc, tagKey, tagValue, key, value string) {
		m := secret(name, desc, tagKey, tagValue)
		filters := []backend.Filter{{Key: key, Values: []string{value}}}
		pos := backend.MatchFilters(m, filters)
		if c := backend.CompileFilters(filters).Match(m); c != pos {
			t.Fatalf("MatchFilters says %v, FilterSet says %v for %q on %+v", pos, c, value, m)
		}
		neg := backend.MatchFilters(m, []backend.Filter{{Key: key, Values: []string{"!" + value}}})
		known := map[string]bool{"name": true, "description": true, "tag-key": true, "tag-value": true, "primary-region": true, "owning-service": true, "all": true}
		if known[key] && !strings.HasPrefix(value, "!") && pos == neg {
			t.Fatalf("value %q and its negation both give %v for %+v on key %s", value, pos, m, key)
		}
	})
}

func benchSecrets() []*backend.SecretMetadata {
	ms := make([]*backend.SecretMetadata, 1000)
	for i := range ms {
		ms[i] = secret("prod/payments/postgres-"+strings.Repeat("x", i%7), "Primary database credentials for payments", "env", "prod", "team", "payments")
	}
	return ms
}

var benchFilters = []backend.Filter{{Key: "all", Values: []string{"payments post"}}, {Key: "name", Values: []string{"prod/"}}}

// BenchmarkMatchFiltersAll: one op matches 1,000 secrets.
func BenchmarkMatchFiltersAll(b *testing.B) {
	ms := benchSecrets()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, m := range ms {
			backend.MatchFilters(m, benchFilters)
		}
	}
}

// BenchmarkFilterSetAll: the same with the filters compiled once.
func BenchmarkFilterSetAll(b *testing.B) {
	ms := benchSecrets()
	fs := backend.CompileFilters(benchFilters)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range ms {
			fs.Match(m)
		}
	}
}
