package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/wire"
)

func TestParseShorthand(t *testing.T) {
	tests := []struct {
		in   string
		want []shPair
	}{
		{"Key=name,Values=prod/", []shPair{{"Key", shValue{scalar: "name"}}, {"Values", shValue{scalar: "prod/"}}}},
		{"Key=name,Values=prod/,dev/", []shPair{{"Key", shValue{scalar: "name"}}, {"Values", shValue{list: []string{"prod/", "dev/"}, isList: true}}}},
		{"Key=tag-value,Values=[a,b]", []shPair{{"Key", shValue{scalar: "tag-value"}}, {"Values", shValue{list: []string{"a", "b"}, isList: true}}}},
		{"Values=[]", []shPair{{"Values", shValue{list: []string{}, isList: true}}}},
		{`Key=env,Value="a,b"`, []shPair{{"Key", shValue{scalar: "env"}}, {"Value", shValue{scalar: "a,b"}}}},
		{`Key=env,Value='x "y"'`, []shPair{{"Key", shValue{scalar: "env"}}, {"Value", shValue{scalar: `x "y"`}}}},
		{`Key=env,Value=a\,b`, []shPair{{"Key", shValue{scalar: "env"}}, {"Value", shValue{scalar: "a,b"}}}},
		{"Key=owner,Value=", []shPair{{"Key", shValue{scalar: "owner"}}, {"Value", shValue{scalar: ""}}}},
		{"Key = env , Value = prod ", []shPair{{"Key", shValue{scalar: "env"}}, {"Value", shValue{scalar: "prod"}}}},
		{"Value=a=b", []shPair{{"Value", shValue{scalar: "a=b"}}}},
		{"Key=all,Values=!prod", []shPair{{"Key", shValue{scalar: "all"}}, {"Values", shValue{scalar: "!prod"}}}},
	}
	for _, tt := range tests {
		got, err := parseShorthand(tt.in)
		if err != nil {
			t.Errorf("parseShorthand(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseShorthand(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "Key", "=x", "Key=\"open", "Values=[a,b", "Key=a,Key=b", "Values=[a,[b]]"} {
		if got, err := parseShorthand(bad); err == nil {
			t.Errorf("parseShorthand(%q) = %#v, want an error", bad, got)
		}
	}
}

func TestFiltersShorthandAndJSONAgree(t *testing.T) {
	short, err := parseFilters([]string{"Key=name,Values=prod/,dev/", "Key=tag-key,Values=team"})
	if err != nil {
		t.Fatal(err)
	}
	js, err := parseFilters([]string{`[{"Key":"name","Values":["prod/","dev/"]},{"Key":"tag-key","Values":["team"]}]`})
	if err != nil {
		t.Fatal(err)
	}
	want := []backend.Filter{{Key: "name", Values: []string{"prod/", "dev/"}}, {Key: "tag-key", Values: []string{"team"}}}
	if !reflect.DeepEqual(short, want) || !reflect.DeepEqual(js, want) {
		t.Fatalf("shorthand %#v, JSON %#v, want %#v", short, js, want)
	}
	if _, err := parseFilters([]string{"Key=name,Vals=x"}); err == nil || !strings.Contains(err.Error(), `unknown key "Vals"`) {
		t.Fatalf("unknown shorthand key: %v", err)
	}
	if _, err := parseFilters([]string{`[{"Key":"name","Value":["x"]}]`}); err == nil || !strings.Contains(err.Error(), "Value") {
		t.Fatalf("unknown JSON field: %v", err)
	}
}

func TestTagsShorthandAndJSON(t *testing.T) {
	got, err := parseTags([]string{"Key=env,Value=prod", `{"Key":"team","Value":"pay,ments"}`, "Key=owner,Value="})
	if err != nil {
		t.Fatal(err)
	}
	want := []backend.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "pay,ments"}, {Key: "owner", Value: ""}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if _, err := parseTags([]string{"Key=env,Value=a,b"}); err == nil {
		t.Fatal("a tag value list must be refused")
	}
}

func TestParseStringList(t *testing.T) {
	got, err := parseStringList("tag-keys", []string{"a", "b,c", `["d","e"]`})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c", "d", "e"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// FuzzShorthand checks that the parser never panics and that whatever it
// accepts survives a round trip through quoting.
func FuzzShorthand(f *testing.F) {
	for _, s := range []string{
		"Key=name,Values=prod/,dev/", "Key=env,Value=prod", `Key="a\"b",Value='c,d'`, "Values=[a,b,c]",
		"Values=[]", `a=\,\\`, "k=v,k2=[x],k3=y,z", "Key = env , Value = prod ", "", "=", ",", "[", `"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pairs, err := parseShorthand(s)
		if err != nil {
			return
		}
		again, err := parseShorthand(quoteShorthand(pairs))
		if err != nil {
			t.Fatalf("quoted form %q of %q does not parse: %v", quoteShorthand(pairs), s, err)
		}
		if !reflect.DeepEqual(pairs, again) {
			t.Fatalf("round trip of %q: %#v became %#v", s, pairs, again)
		}
	})
}

func TestParseArgs(t *testing.T) {
	specs := []param{
		{name: "secret-id", kind: kString, required: true},
		{name: "version-stages", kind: kList},
		{name: "include-deprecated", kind: kBool},
		{name: "max-results", kind: kInt},
	}
	a, err := parseArgs([]string{"--secret-id=x", "--version-stages", "A", "B", "--no-include-deprecated", "--max-results", "5", "--version-stages", "C"}, specs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.str("secret-id") != "x" || !reflect.DeepEqual(a.lists["version-stages"], []string{"A", "B", "C"}) ||
		a.bools["include-deprecated"] || !a.has("include-deprecated") || a.ints["max-results"] != 5 {
		t.Fatalf("parsed %+v", a)
	}
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{}, "the following arguments are required: --secret-id"},
		{[]string{"--secret-id", "x", "--bogus"}, "Unknown options: --bogus"},
		{[]string{"--secret-id"}, "argument --secret-id: expected one argument"},
		{[]string{"--secret-id", "x", "--max-results", "ten"}, `argument --max-results: invalid integer value: "ten"`},
		{[]string{"--secret-id", "x", "--secret-id", "y"}, "argument --secret-id: given more than once"},
		{[]string{"--secret-id", "x", "stray"}, "Unknown options: stray"},
	} {
		_, err := parseArgs(tt.argv, specs, 0)
		if err == nil || err.Error() != tt.want {
			t.Errorf("parseArgs(%q) error %v, want %q", tt.argv, err, tt.want)
		}
	}
}

func TestJSONOutputLikeTheAWSCLI(t *testing.T) {
	var buf bytes.Buffer
	s := "a\"b\\c\nd\te\x1b[2J</script>é\u009b2J"
	o := object{}.add("Name", "n").add("Empty", "").add("List", []string{}).addAlways("SecretList", []any{}).
		add("Value", s).add("When", time.Time{}).add("Map", map[string][]string{"v2": {"B"}, "v1": {"A"}})
	if err := writeJSON(&buf, o); err != nil {
		t.Fatal(err)
	}
	want := `{
    "Name": "n",
    "SecretList": [],
    "Value": "a\"b\\c\nd\te\u001b[2J</script>é\u009b2J",
    "Map": {
        "v1": [
            "A"
        ],
        "v2": [
            "B"
        ]
    }
}
`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestListStreamWritesWhatWriteJSONWrites holds the streamed listing to
// the bytes of the whole-response encoder, for no, one and several items.
func TestListStreamWritesWhatWriteJSONWrites(t *testing.T) {
	item := func(i int) any {
		return object{}.add("Name", strings.Repeat("n", i+1)).
			add("Tags", []any{object{}.add("Key", "k").add("Value", "v")}).
			add("SecretVersionsToStages", map[string][]string{"v1": {"AWSCURRENT"}})
	}
	for _, n := range []int{0, 1, 3} {
		var whole, streamed bytes.Buffer
		list := []any{}
		s := newListStream(&streamed, "SecretList")
		for i := 0; i < n; i++ {
			list = append(list, item(i))
			s.add(item(i))
		}
		if err := writeJSON(&whole, object{}.addAlways("SecretList", list)); err != nil {
			t.Fatal(err)
		}
		if err := s.close(); err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Errorf("%d items: streamed\n%s\nwant\n%s", n, streamed.String(), whole.String())
		}
	}
}

func TestParseAction(t *testing.T) {
	actions := []actionSpec{
		{name: "list"},
		{name: "rotate", allowed: []string{"key-id", "force"}, required: []string{"key-id"}},
	}
	specs := []param{{name: "key-id", kind: kString}, {name: "force", kind: kBool}}
	for _, c := range []struct {
		argv []string
		verb string
		err  string
	}{
		{[]string{"list"}, "list", ""},
		{[]string{"rotate", "--key-id", "k"}, "rotate", ""},
		{[]string{"rotate", "--key-id", "k", "--force"}, "rotate", ""},
		{nil, "", "kms needs an action: list or rotate"},
		{[]string{"drop"}, "", `argument action: Invalid choice: "drop" (choose from 'list', 'rotate')`},
		{[]string{"list", "--force"}, "", "kms list does not take --force"},
		{[]string{"rotate", "--force"}, "", "the following arguments are required: --key-id"},
	} {
		a, err := parseArgs(c.argv, specs, 1)
		if err != nil {
			t.Fatalf("%q: %v", c.argv, err)
		}
		verb, err := parseAction("kms", a, actions)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if verb != c.verb || got != c.err {
			t.Errorf("%q: %q, %q; want %q, %q", c.argv, verb, got, c.verb, c.err)
		}
	}
}

func TestFormatTime(t *testing.T) {
	zone := time.FixedZone("X", -7*3600)
	if got := formatTime(time.Date(2023, 8, 17, 15, 55, 25, 695_000_000, zone).In(time.Local)); !strings.HasPrefix(got, "2023-08-1") || !strings.Contains(got, ".695000") {
		t.Fatalf("with fraction: %s", got)
	}
	utc := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	got := formatTime(utc)
	want := utc.Local().Format("2006-01-02T15:04:05-07:00")
	if got != want {
		t.Fatalf("whole seconds: got %s, want %s", got, want)
	}
}

func TestEnvMapping(t *testing.T) {
	js := `{"username":"app","db-port":5432,"tls":true,"opts":{"a":1},"nothing":null,"9lives":"cat"}`
	vars, err := secretEnv(&backend.SecretValue{Name: "prod/db", SecretString: &js})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.name] = v.value
	}
	want := map[string]string{"USERNAME": "app", "DB_PORT": "5432", "TLS": "true", "OPTS": `{"a":1}`, "NOTHING": "", "_9LIVES": "cat"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	plain := "sk_live_123"
	vars, err = secretEnv(&backend.SecretValue{Name: "prod/payments/stripe-api-key", SecretString: &plain})
	if err != nil || len(vars) != 1 || vars[0].name != "STRIPE_API_KEY" || vars[0].value != plain {
		t.Fatalf("plain string: %v %+v", err, vars)
	}
	if _, err := secretEnv(&backend.SecretValue{Name: "tls", SecretBinary: []byte{1}}); err == nil {
		t.Fatal("binary secrets cannot be exported")
	}
	env, err := buildEnv([]string{"PATH=/bin", envPassphrase + "=hunter2", "USERNAME=old"}, []envVar{{"USERNAME", "new", "a"}}, execEnvRules{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"PATH=/bin", "USERNAME=new"}; !reflect.DeepEqual(env, want) {
		t.Fatalf("env %q, want %q", env, want)
	}
	_, err = buildEnv(nil, []envVar{{"PASSWORD", "x", `key "password" of a`}, {"PASSWORD", "y", `key "PASSWORD" of b`}}, execEnvRules{})
	if err == nil || !strings.Contains(err.Error(), `PASSWORD would be set by both key "password" of a and key "PASSWORD" of b`) {
		t.Fatalf("collision: %v", err)
	}
}

// TestExecEnvRules: names that steer how the child starts are refused unless
// allowed one by one; a prefix makes them harmless; the store's location
// and key file stay behind unless kept.
func TestExecEnvRules(t *testing.T) {
	inherited := []string{"PATH=/bin", envStore + "=/s.db", envKeyFile + "=/k", envKey + "=x"}
	for _, name := range []string{"LD_PRELOAD", "DYLD_INSERT_LIBRARIES", "BASH_ENV", "ENV", "PATH", "IFS", "PS4",
		"SHELLOPTS", "PYTHONSTARTUP", "NODE_OPTIONS", "PERL5OPT", "RUBYOPT", "JAVA_TOOL_OPTIONS", "GIT_SSH_COMMAND",
		"SECRETARY_KEY_FILE", "BASH_FUNC_X"} {
		_, err := buildEnv(inherited, []envVar{{name, "v", "key of s"}}, execEnvRules{})
		if err == nil || !strings.Contains(err.Error(), "--allow-env "+name) {
			t.Errorf("%s: %v", name, err)
		}
		env, err := buildEnv(inherited, []envVar{{name, "v", "key of s"}}, execEnvRules{allow: map[string]bool{name: true}})
		if err != nil || !slices.Contains(env, name+"=v") {
			t.Errorf("%s allowed: %v %q", name, err, env)
		}
	}
	env, err := buildEnv(inherited, []envVar{{"PATH", "v", "s"}}, execEnvRules{prefix: "APP_"})
	if want := []string{"PATH=/bin", "APP_PATH=v"}; err != nil || !reflect.DeepEqual(env, want) {
		t.Fatalf("prefix: %v %q", err, env)
	}
	if _, err := buildEnv(nil, []envVar{{"X", "v", "s"}}, execEnvRules{prefix: "1-"}); err == nil || !strings.Contains(err.Error(), "not a portable environment variable name") {
		t.Fatalf("bad prefix: %v", err)
	}
	env, _ = buildEnv(inherited, nil, execEnvRules{keepStore: true})
	if want := []string{"PATH=/bin", envStore + "=/s.db", envKeyFile + "=/k"}; !reflect.DeepEqual(env, want) {
		t.Fatalf("kept: %q", env)
	}
	for _, key := range []string{"", "A B", "A=B", "A\nB", "A\x1b"} {
		raw, _ := json.Marshal(map[string]string{key: "v"})
		s := string(raw)
		if _, err := secretEnv(&backend.SecretValue{Name: "s", SecretString: &s}); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
}

// TestJSONOutputEscapesInvisibleCharacters: the AWS CLI prints bidi
// overrides, zero-width characters and DEL raw, so a JSON listing on a
// terminal can make one name look like another. Escaped, the JSON still
// decodes to exactly the stored string.
func TestJSONOutputEscapesInvisibleCharacters(t *testing.T) {
	s := "admin\u202egnp.exe\u2066x\u2069\u200e\u200f\u061c\ufeff\u200b\x7f\U000e0041 café 東京"
	var buf bytes.Buffer
	if err := writeJSON(&buf, object{}.add("Name", s)); err != nil {
		t.Fatal(err)
	}
	want := `{
    "Name": "admin\u202egnp.exe\u2066x\u2069\u200e\u200f\u061c\ufeff\u200b\u007f\udb40\udc41 café 東京"
}
`
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	var back struct{ Name string }
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Name != s {
		t.Fatalf("decodes to %q, want %q", back.Name, s)
	}
}

// TestDescribeTagsAsAWS: a secret never tagged has no Tags; once its last
// tag is removed, "Tags": [] (recorded from AWS).
func TestDescribeTagsAsAWS(t *testing.T) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, wire.DescribeSecret(&backend.SecretMetadata{Name: "n"})); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Tags") {
		t.Fatalf("never tagged: %s", buf.String())
	}
	buf.Reset()
	if err := writeJSON(&buf, wire.DescribeSecret(&backend.SecretMetadata{Name: "n", Tags: []backend.Tag{}})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"Tags": []`) {
		t.Fatalf("untagged after tags: %s", buf.String())
	}
}
