package cli

import (
	"bytes"
	"testing"
)

// The comparison with the AWS CLI covers whole responses; these pin the
// corners of the YAML and text writers that a served store rarely holds,
// with what ruamel.yaml and the AWS CLI print for them.

func TestYAMLQuotesAsRuamel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "k: plain\n"},
		{"", "k: ''\n"},
		{"yes", "k: yes\n"},
		{"true", "k: 'true'\n"},
		{"null", "k: 'null'\n"},
		{"123", "k: '123'\n"},
		{"1e3", "k: '1e3'\n"},
		{"0x1F", "k: '0x1F'\n"},
		{"2026-12-02T05:51:26.854000+00:00", "k: '2026-12-02T05:51:26.854000+00:00'\n"},
		{"a: b", "k: 'a: b'\n"},
		{"a:b", "k: a:b\n"},
		{"a #b", "k: 'a #b'\n"},
		{"- a", "k: '- a'\n"},
		{"-a", "k: -a\n"},
		{"{x}", "k: '{x}'\n"},
		{"'q'", "k: '''q'''\n"},
		{" lead", "k: ' lead'\n"},
		{"multi\nline", "k: 'multi\n\n  line'\n"},
		{"tab\there", "k: \"tab\\there\"\n"},
		{"esc\x1b[31m", "k: \"esc\\e[31m\"\n"},
		{"é ünï", "k: é ünï\n"},
		{"<<", "k: '<<'\n"},
		{"NaN", "k: NaN\n"},
		{"word00 word01 word02 word03 word04 word05 word06 word07 word08 word09 word10 word11 word12 word13",
			"k: word00 word01 word02 word03 word04 word05 word06 word07 word08 word09 word10 word11\n  word12 word13\n"},
	} {
		var buf bytes.Buffer
		formatYAML(&buf, object{{"k", c.in}})
		if buf.String() != c.want {
			t.Errorf("%q: got %q, want %q", c.in, buf.String(), c.want)
		}
	}
}

func TestYAMLShapes(t *testing.T) {
	var buf bytes.Buffer
	formatYAML(&buf, object{{"l", []any{[]any{int64(1), int64(2)}, object{{"a", []any{int64(1)}}}}}, {"m", object{}},
		{"k", []any{}}, {"n", nil}, {"b", true}, {"f", 2.0}, {"d", object{{"x", []any{object{{"b", []any{}}, {"a", int64(1)}}}}}}})
	want := "b: true\nd:\n  x:\n  - a: 1\n    b: []\nf: 2.0\nk: []\nl:\n- - 1\n  - 2\n- a:\n  - 1\nm: {}\nn: null\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	for _, c := range []struct {
		in   any
		want string
	}{{"s", "\"s\"\n"}, {nil, "null\n"}, {int64(3), "3\n"}, {[]any{}, "[]\n"}} {
		buf.Reset()
		formatYAML(&buf, c.in)
		if buf.String() != c.want {
			t.Errorf("%#v: got %q, want %q", c.in, buf.String(), c.want)
		}
	}
}

func TestTextAsTheAWSCLI(t *testing.T) {
	var buf bytes.Buffer
	formatText(&buf, object{{"Name", "n"}, {"Enabled", true}, {"Gone", nil}, {"Count", 2.0},
		{"Stages", object{{"v1", []any{"AWSCURRENT"}}}},
		{"Tags", []any{object{{"Key", "a"}, {"Value", "1"}}, object{{"Key", "b"}}}}})
	want := "2.0\tTrue\tNone\tn\nV1\tAWSCURRENT\nTAGS\ta\t1\nTAGS\tb\t\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestQueryKeepsKeyOrder(t *testing.T) {
	q, err := compileQuery("{Z: Name, A: ARN, T: Tags[0]}")
	if err != nil {
		t.Fatal(err)
	}
	doc := object{{"ARN", "arn"}, {"Name", "n"}, {"Tags", []any{object{{"Value", "v"}, {"Key", "k"}}}}}
	got, err := q.search(doc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	encodeValue(&buf, got, 0)
	want := "{\n    \"Z\": \"n\",\n    \"A\": \"arn\",\n    \"T\": {\n        \"Value\": \"v\",\n        \"Key\": \"k\"\n    }\n}"
	if buf.String() != want {
		t.Errorf("got %s, want %s", buf.String(), want)
	}
	// The older literal form the AWS CLI still accepts.
	q, err = compileQuery("Tags[?Key==`k`].Value | [0]")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := q.search(doc); err != nil || got != "v" {
		t.Errorf("legacy literal: %v, %v", got, err)
	}
	if _, err := compileQuery("Name["); err == nil {
		t.Error("a malformed query compiled")
	}
}

func TestTerminalSafeKeepsLayoutEscapesControls(t *testing.T) {
	got := string(terminalSafe([]byte("a\x1b]52;c;x\x07\tb\n\u009b1m\n")))
	want := "a\\x1b]52;c;x\\x07\tb\n\\u009b1m\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
