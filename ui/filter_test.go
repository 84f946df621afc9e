package ui

import (
	"strings"
	"testing"
)

func TestParseFilterSaysWhatItUnderstood(t *testing.T) {
	cases := []struct {
		in, shown, err string
	}{
		{in: "prod postgres", shown: `"prod" "postgres"`},
		{in: `"payments service" !mysql`, shown: `"payments service" !"mysql"`},
		{in: `name:prod/`, shown: `name^"prod/"`},
		{in: `name:"my app"`, shown: `name^"my app"`},
		{in: `name:dev/,qa/`, shown: `name^"dev/"|"qa/"`},
		{in: `!name:prod/`, shown: `!name^"prod/"`},
		{in: `name:!prod/`, shown: `!name^"prod/"`},
		{in: `description:redis cache`, shown: `description~"redis" "cache"`},
		{in: `desc:redis`, shown: `description~"redis"`},
		{in: `tag-key:env tag-value:prod`, shown: `tag-key^"env" tag-value^"prod"`},
		{in: `tag:env=prod`, shown: `tag env=prod`},
		{in: `env=prod`, shown: `tag env=prod`},
		{in: `!env=prod`, shown: `!tag env=prod`},
		{in: `tag:"cost center"="a b"`, shown: `tag "cost center"="a b"`},
		{in: `rotation:on`, shown: `rotation:on`},
		{in: `ROTATION:Failing`, shown: `rotation:failing`},
		{in: `rotation:pending deleted`, shown: `rotation:pending deleted`},
		{in: `"deleted"`, shown: `"deleted"`},
		{in: `arn:aws`, shown: `"arn:aws"`},
		{in: `all:payments`, shown: `all~"payments"`},
		{in: "\x1b[31mred", shown: `"\x1b[31mred"`},
		{in: `  `, shown: ``},
		{in: `"open`, err: `a closing " is missing`},
		{in: `name:`, err: `name: needs a value`},
		{in: `tag:env`, err: `tag: needs key=value`},
		{in: `rotation:sometimes`, err: `rotation: takes on, off, failing or pending, not "sometimes"`},
		{in: `rotation:on rotation:off`, err: `cannot both hold`},
		{in: `!rotation:on`, err: `cannot be negated`},
		{in: `!deleted`, err: `is the default`},
		{in: `!`, err: `"!" needs something to exclude`},
	}
	for _, tc := range cases {
		q, err := parseQuery(tc.in)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseQuery(%q) error = %v, want %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("parseQuery(%q): %v", tc.in, err)
		case q.String() != tc.shown:
			t.Errorf("parseQuery(%q) shown as %s, want %s", tc.in, q.String(), tc.shown)
		}
	}
}

func TestNarrowingIsDecidedOnTheParsedFilter(t *testing.T) {
	cases := []struct {
		prev, next string
		want       bool
	}{
		{"pro", "prod", true},
		{"prod", "prod pay", true},
		{"name:pro", "name:prod/", true},
		{"prod", "prod tag:env=prod", true},
		{"prod", "prod rotation:on", true},
		{"tag:env=pro", "tag:env=prod", false}, // exact tags: a longer value is another tag
		{"!test", "!tests", false},             // excluding less shows more
		{"name:a", "name:a,b", false},
		{"name:!a", "name:!ab", false},
		{"rotation:on", "rotation:on prod", true},
		{"prod", "deleted prod", false},
		{"description:red", "description:redis", false},
	}
	for _, tc := range cases {
		p, err1 := parseQuery(tc.prev)
		n, err2 := parseQuery(tc.next)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got := narrows(&p, &n); got != tc.want {
			t.Errorf("narrows(%q, %q) = %v, want %v", tc.prev, tc.next, got, tc.want)
		}
	}
}
