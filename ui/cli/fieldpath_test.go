package cli_test

import "testing"

// get --field reads the paths the console shows and copies, so a copied
// "secretary get NAME --field db.password" prints that member.
func TestGetFieldPath(t *testing.T) {
	e := newKeyFileStore(t)
	e.ok("create-secret", "--name", "prod/nested", "--secret-string",
		`{"db":{"password":"pw","port":5432},"hosts":["h0",{"name":"h1"}],"a.b":"dotted"}`)
	for field, want := range map[string]string{
		"db.password":   "pw",
		"db.port":       "5432",
		"hosts[0]":      "h0",
		"hosts[1].name": "h1",
		"db":            `{"password":"pw","port":5432}`,
		"a.b":           "dotted",
		`["a.b"]`:       "dotted",
	} {
		if r := e.run("", "get", "prod/nested", "--field", field); r.code != 0 || r.stdout != want {
			t.Errorf("get --field %s: %q %q, want %q", field, r.stdout, r.stderr, want)
		}
	}
	e.fails(255, "\nsecretary: prod/nested has no field \"db.user\"\n", "get", "prod/nested", "--field", "db.user")
	e.fails(255, "\nsecretary: prod/nested has no field \"hosts[2]\"\n", "get", "prod/nested", "--field", "hosts[2]")
}
