package ui

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	_ "modernc.org/sqlite"
)

// hostile holds every kind of byte a writer of a secret could use against
// the terminal of the operator reading it: C0 controls (ESC, BEL, CR, BS),
// C1 controls as runes (CSI U+009B, OSC U+009D), OSC 52 (clipboard), OSC 0
// (window title), DCS, CSI (clear screen, cursor report) and the bidi
// controls that make one string look like another.
const hostile = "\x1b]52;c;UFdORUQ=\x07" + // OSC 52, BEL-terminated
	"\x1b]0;PWNED-TITLE\x1b\\" + // OSC 0, ST-terminated
	"\x1bP1$qm\x1b\\" + // DCS
	"\x1b[2J\x1b[6n" + // CSI clear screen, cursor position report
	"\u009b2J\u009d0;C1-TITLE\u009c" + // C1 CSI, OSC, ST as runes
	"a\rb\bc\x07\x00\x7f" + // CR, BS, BEL, NUL, DEL
	"\u202egnp.exe\u202a\u202b\u202c\u202d" + // bidi overrides and embeddings
	"\u2066\u2067\u2068\u2069\u200e\u200f\u061c" // isolates, marks

// hostileStore builds a real embedded store in which every string the
// console draws holds hostile bytes: names, descriptions, tags, staging
// labels, the KMS key alias, the rotation function, JSON keys and values,
// text values and the audit actor. Tags, the rotation function and one
// name can no longer be written through the API (it refuses control
// characters there, as AWS does), but a store written before that rule, or
// edited by hand, holds them: they are planted in the SQLite file.
func hostileStore(t *testing.T) *local.Store {
	t.Helper()
	ctx := context.Background()
	opts := local.Options{
		KDF:   localtest.CheapKDF,
		Now:   func() time.Time { return testNow },
		Actor: "actor" + hostile,
	}
	created := localtest.NewPassphraseStore(t, testPassphrase, opts)
	s, path := created.Store, created.Path
	if _, err := s.CreateKey(ctx, "evil-key"); err != nil {
		t.Fatal(err)
	}
	value, err := json.Marshal(map[string]string{"user" + hostile: "password" + hostile, "host": hostile})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []*backend.CreateSecretInput{
		{Name: "hostile/json", Description: "desc" + hostile, KmsKeyID: "alias/evil-key", SecretString: str(string(value)), ClientRequestToken: versionID("hostile/json", 0)},
		{Name: "hostile/text", Description: hostile, SecretString: str("line1" + hostile + "\nline2" + hostile), ClientRequestToken: versionID("hostile/text", 0)},
		{Name: "hostile/renamed", Description: "its name is planted below", SecretString: str("x")},
	} {
		if _, err := s.CreateSecret(ctx, in); err != nil {
			t.Fatalf("create %s: %v", in.Name, err)
		}
	}
	// Staging labels: Secrets Manager accepts any characters in them.
	if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{
		SecretID: "hostile/json", SecretString: str(`{"k` + hostile + `":"v2` + hostile + `"}`),
		ClientRequestToken: versionID("hostile/json", 1), VersionStages: []string{backend.StageCurrent, "label" + hostile},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
		SecretID: "hostile/json", VersionStage: "old" + hostile, MoveToVersionID: versionID("hostile/json", 0),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO tags(secret_id, key, value, pos) SELECT id, ?, ?, 0 FROM secrets WHERE name = 'hostile/json'`, []any{"owner" + hostile, "team" + hostile}},
		{`UPDATE secrets SET tags_json = (SELECT json_group_array(json_array(pos, key, value)) FROM tags WHERE secret_id = secrets.id) WHERE name = 'hostile/json'`, nil},
		{`UPDATE keys SET alias = ? WHERE alias = 'evil-key'`, []any{"evil-key" + hostile}},
		{`UPDATE secrets SET kms_key_id = ? WHERE name = 'hostile/json'`, []any{"alias/evil-key" + hostile}},
		{`UPDATE secrets SET rotation_enabled = 1, rotation_function = ?, rotation_rules = '{"AutomaticallyAfterDays":30}' WHERE name = 'hostile/json'`, []any{"fn" + hostile}},
		{`UPDATE secrets SET name = ? WHERE name = 'hostile/renamed'`, []any{"hostile/renamed" + hostile}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = local.Open(ctx, path, local.Credential{Passphrase: []byte(testPassphrase)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// unsafeInFrame returns a description of the first byte of a frame that a
// terminal would act on instead of drawing: any control character but the
// line break and the renderer's own SGR sequences (ESC [ digits ; m), C1
// controls, and the bidi and other invisible format characters. It returns
// "" when the frame is safe.
func unsafeInFrame(frame string) string {
	for i := 0; i < len(frame); {
		c := frame[i]
		if c == '\x1b' {
			j := i + 1
			if j < len(frame) && frame[j] == '[' {
				j++
				for j < len(frame) && (frame[j] >= '0' && frame[j] <= '9' || frame[j] == ';') {
					j++
				}
				if j < len(frame) && frame[j] == 'm' {
					i = j + 1
					continue
				}
			}
			return fmt.Sprintf("escape sequence %q at byte %d", frame[i:min(len(frame), i+12)], i)
		}
		if c < 0x20 && c != '\n' || c == 0x7f {
			return fmt.Sprintf("control byte %#02x at byte %d", c, i)
		}
		r, size := utf8.DecodeRuneInString(frame[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Sprintf("invalid UTF-8 %#02x at byte %d", c, i)
		}
		if r >= 0x80 && r < 0xa0 || unicode.Is(unicode.Cf, r) {
			return fmt.Sprintf("%U at byte %d", r, i)
		}
		i += size
	}
	return ""
}

// TestHostileStoreNeverReachesTheTerminal walks every page and dialog of
// the console over a store whose every field is hostile and checks each
// frame it draws.
func TestHostileStoreNeverReachesTheTerminal(t *testing.T) {
	s := hostileStore(t)
	h := newHarness(t, Config{Backend: s}, 140, 45)
	check := func(where string) {
		t.Helper()
		// The pages' own drawing must be safe without the last line of
		// defence in View, and what View hands the renderer must be too.
		if bad := unsafeInFrame(h.m.frame()); bad != "" {
			t.Errorf("%s: the page draws %s:\n%s", where, bad, text(h.m.frame()))
		}
		if bad := unsafeInFrame(h.view()); bad != "" {
			t.Errorf("%s: the frame holds %s:\n%s", where, bad, text(h.view()))
		}
	}
	steps := []struct {
		where string
		keys  []string
	}{
		{"list", nil},
		{"list sorted", []string{"s"}},
		{"help", []string{"?"}},
		{"help closed", []string{"esc"}},
		{"audit log", []string{"A"}},
		{"back to the list", []string{"esc"}},
		{"new secret form", []string{"n"}},
		{"new secret form closed", []string{"esc"}},
	}
	for _, st := range steps {
		h.press(st.keys...)
		check(st.where)
	}
	open := func(name string) {
		t.Helper()
		h.selectName(name)
		h.press("enter")
	}

	open("hostile/json")
	check("detail, masked")
	for _, st := range []struct {
		where string
		keys  []string
	}{
		{"detail, revealed as a table", []string{"r"}},
		{"detail, raw value", []string{"f"}},
		// The in-place editor refuses such a value and says why.
		{"edit value refused", []string{"e"}},
		{"description dialog", []string{"i"}},
		{"description dialog confirmed unchanged", []string{"enter"}},
		{"tags dialog", []string{"t"}},
		{"tags dialog error", []string{"enter"}},
		{"tags dialog closed", []string{"esc"}},
		{"delete dialog", []string{"d"}},
		{"delete dialog closed", []string{"esc"}},
		{"force delete dialog", []string{"D"}},
		{"force delete, wrong name", []string{"x", "enter"}},
		{"force delete closed", []string{"esc"}},
		{"rotation settings", []string{"R"}},
		{"rotation settings closed", []string{"esc"}},
		{"rotate now", []string{"o"}},
		{"rotate now, confirmed", []string{"y"}},
		{"back from rotation", []string{"esc"}},
		{"audit of the secret", []string{"a"}},
		{"back from the audit", []string{"esc"}},
		{"versions", []string{"v"}},
		{"versions, deprecated shown", []string{"p"}},
		{"version value", []string{"enter"}},
		{"version value revealed", []string{"r"}},
		{"back to the versions", []string{"esc"}},
		{"label dialog", []string{"a"}},
		{"label dialog closed", []string{"esc"}},
		{"remove label dialog", []string{"x"}},
		{"remove label dialog confirmed", []string{"enter"}},
		{"diff", []string{"m", "j", "="}},
		{"diff revealed", []string{"r"}},
		{"back to the detail", []string{"esc", "esc"}},
		{"back to the list", []string{"esc"}},
	} {
		h.press(st.keys...)
		check(st.where)
		switch st.where {
		case "description dialog", "remove label dialog":
			// The field shows the stored string with visible escapes.
			if !strings.Contains(h.view(), `gnp.exe\u202a`) {
				t.Errorf("%s: the field does not show the escapes:\n%s", st.where, h.view())
			}
		}
	}
	// Confirming the fields as they were filled kept the description as
	// stored and removed exactly the label shown.
	m, err := s.DescribeSecret(context.Background(), "hostile/json")
	if err != nil {
		t.Fatal(err)
	}
	if m.Description != "desc"+hostile {
		t.Errorf("the description changed to %q", m.Description)
	}
	for _, stages := range m.VersionIdsToStages {
		if slices.Contains(stages, "label"+hostile) {
			t.Errorf("the label is still there: %q", stages)
		}
	}
	if !slices.Contains(m.VersionIdsToStages[versionID("hostile/json", 0)], "old"+hostile) {
		t.Errorf("the other label went too: %q", m.VersionIdsToStages)
	}

	open("hostile/text")
	check("text detail")
	h.press("r")
	check("text detail revealed")
	h.press("esc")

	open("hostile/renamed" + hostile)
	check("detail of a name the store refuses (error)")
	h.press("esc")
	check("list after the error")
}

// TestHostileProfilesNeverReachTheTerminal opens the AWS profile and
// region screens with profile names, an account and a caller ARN that hold
// hostile bytes (a shared config file is the operator's, but a profile
// written by a setup script or copied from elsewhere is not).
func TestHostileProfilesNeverReachTheTerminal(t *testing.T) {
	dir := t.TempDir()
	config := "[profile ops" + hostile + "]\nregion = eu-west-1\n\n[profile two" + hostile + "]\nregion = eu" + hostile + "\n"
	cp := filepath.Join(dir, "config")
	if err := os.WriteFile(cp, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cp)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	s := hostileStore(t)
	r := &reopener{s: s}
	b := &fakeAWS{Store: s, profile: "ops" + hostile, region: "eu-west-1", account: "1234" + hostile, arn: "arn:aws:sts::1234:assumed-role/x" + hostile}
	h := newHarness(t, Config{Backend: b, ReopenAWS: r.reopen}, 140, 45)
	for _, st := range []struct {
		where string
		keys  []string
	}{
		{"list on AWS", nil},
		{"profiles", []string{"P"}},
		{"region of the next profile", []string{"j", "enter"}},
		{"region typed", []string{"e", "u"}},
	} {
		h.press(st.keys...)
		if bad := unsafeInFrame(h.m.frame()); bad != "" {
			t.Errorf("%s: the page draws %s:\n%s", st.where, bad, text(h.m.frame()))
		}
		if !strings.Contains(h.view(), "ops") {
			t.Errorf("%s: the profile is not shown:\n%s", st.where, text(h.view()))
		}
	}
	// The config parser ends a section name at "]": what is left is shown.
	if !strings.Contains(h.view(), `Region for two\x1b`) {
		t.Errorf("the region screen does not show the profile escaped:\n%s", text(h.view()))
	}
}
