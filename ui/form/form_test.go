package form

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/secretary-sh/secretary/backend"
)

func keyMsg(k string) tea.KeyMsg {
	types := map[string]tea.KeyType{
		"tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "enter": tea.KeyEnter, "esc": tea.KeyEsc,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"ctrl+s": tea.KeyCtrlS, "ctrl+g": tea.KeyCtrlG, "ctrl+r": tea.KeyCtrlR, "ctrl+u": tea.KeyCtrlU,
		"space": tea.KeySpace, "backspace": tea.KeyBackspace,
	}
	if t, ok := types[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
		}
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// run runs cmd and feeds back a GeneratedMsg (as the console routes it);
// anything that only waits (the cursor blink) is dropped after 30 ms.
func run(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(30 * time.Millisecond):
		return nil
	}
}

// press sends keys and returns the form plus the last SubmitMsg or
// CancelMsg it emitted.
func press(t *testing.T, m Model, keys ...string) (Model, tea.Msg) {
	t.Helper()
	var out tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg(k))
		msg := run(cmd)
		for {
			g, ok := msg.(GeneratedMsg)
			if !ok {
				break
			}
			m, cmd = m.Update(g)
			msg = run(cmd)
		}
		switch msg.(type) {
		case SubmitMsg, CancelMsg:
			out = msg
		}
	}
	return m, out
}

func realGenerator(_ context.Context, in *backend.GetRandomPasswordInput) (string, error) {
	return backend.RandomPassword(in)
}

func submitted(t *testing.T, msg tea.Msg) *backend.CreateSecretInput {
	t.Helper()
	s, ok := msg.(SubmitMsg)
	if !ok {
		t.Fatalf("got %#v, want SubmitMsg", msg)
	}
	return s.Input
}

func TestSubmitKeyValue(t *testing.T) {
	m := New(Options{})
	m.SetSize(80, 24)
	m, _ = press(t, m, "prod/app/api", "tab", "Payment API key", "tab", "team=payments, env=prod", "tab", "alias/app")
	// to the key/value editor: add one key with a value
	m, _ = press(t, m, "tab", "tab", "a", "token", "enter", "s3cret", "enter")
	m, msg := press(t, m, "ctrl+s")
	in := submitted(t, msg)
	if in.Name != "prod/app/api" || in.Description != "Payment API key" || in.KmsKeyID != "alias/app" {
		t.Errorf("got %+v", in)
	}
	if len(in.Tags) != 2 || in.Tags[0] != (backend.Tag{Key: "team", Value: "payments"}) || in.Tags[1] != (backend.Tag{Key: "env", Value: "prod"}) {
		t.Errorf("tags %+v", in.Tags)
	}
	if in.SecretString == nil || *in.SecretString != `{"token":"s3cret"}` {
		t.Errorf("value %v", in.SecretString)
	}
	if len(in.ClientRequestToken) < backend.MinClientTokenLength {
		t.Errorf("token %q", in.ClientRequestToken)
	}
	// Submitting again sends the same token: idempotent.
	_, again := press(t, m, "ctrl+s")
	if submitted(t, again).ClientRequestToken != in.ClientRequestToken {
		t.Error("a second submit got a new token")
	}
}

func TestNameValidatedWhileTyping(t *testing.T) {
	m := New(Options{})
	m, _ = press(t, m, "bad name!")
	if !strings.Contains(m.View(), "Invalid name") {
		t.Fatalf("no name error shown:\n%s", m.View())
	}
	m, _ = press(t, m, "ctrl+u", "good/name")
	if strings.Contains(m.View(), "Invalid name") {
		t.Fatalf("error stays after fixing:\n%s", m.View())
	}
	// submitting an invalid name refuses and puts the focus back on it
	m, _ = press(t, m, "ctrl+u", "x y", "tab", "tab")
	m, msg := press(t, m, "ctrl+s")
	if msg != nil {
		t.Fatalf("invalid name submitted: %#v", msg)
	}
	if m.focus != fName || !strings.Contains(m.View(), "ValidationException") {
		t.Errorf("focus %v, view:\n%s", m.focus, m.View())
	}
	// an empty name is refused with AWS's length message
	m, _ = press(t, m, "ctrl+u")
	m, msg = press(t, m, "ctrl+s")
	if msg != nil || !strings.Contains(m.View(), "length greater than or equal to 1") {
		t.Errorf("empty name: %#v\n%s", msg, m.View())
	}
}

func TestTags(t *testing.T) {
	tags, err := ParseTags(" a=1 , b = x=y ,c,, ")
	if err != nil {
		t.Fatal(err)
	}
	want := []backend.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "x=y"}, {Key: "c"}}
	if len(tags) != len(want) {
		t.Fatalf("got %+v", tags)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Errorf("tag %d: %+v, want %+v", i, tags[i], want[i])
		}
	}
	if _, err := ParseTags("a=1,a=2"); err == nil {
		t.Error("duplicate key accepted")
	}
	if _, err := ParseTags("=v"); err == nil {
		t.Error("empty key accepted")
	}
	// a reserved aws: key is refused on submit with the tags field focused
	m := New(Options{})
	m, _ = press(t, m, "n1", "tab", "tab", "aws:owner=me")
	m, msg := press(t, m, "ctrl+s")
	if msg != nil || m.focus != fTags {
		t.Errorf("aws: tag: msg %#v focus %v\n%s", msg, m.focus, m.View())
	}
}

func TestSubmitText(t *testing.T) {
	m := New(Options{})
	m, _ = press(t, m, "n1", "tab", "tab", "tab", "tab", "right")
	if m.Kind() != KindText {
		t.Fatalf("kind %v", m.Kind())
	}
	m, _ = press(t, m, "tab", "line1", "enter", "line2")
	_, msg := press(t, m, "ctrl+s")
	if in := submitted(t, msg); in.SecretString == nil || *in.SecretString != "line1\nline2" {
		t.Errorf("value %v", in.SecretString)
	}
}

func TestNoValueCreatesWithoutVersion(t *testing.T) {
	_, msg := press(t, New(Options{}), "n1", "ctrl+s")
	if in := submitted(t, msg); in.SecretString != nil {
		t.Errorf("value %q, want none", *in.SecretString)
	}
}

func TestSubmitDatabaseTemplate(t *testing.T) {
	m := New(Options{Generate: realGenerator})
	m, _ = press(t, m, "db/creds", "tab", "tab", "tab", "tab", "right", "right")
	if m.Kind() != KindDatabase {
		t.Fatalf("kind %v", m.Kind())
	}
	m, _ = press(t, m, "tab", "postgres", "tab", "db.internal", "tab", "5432", "tab", "app", "tab", "ctrl+g")
	if pw := m.inputs[fDBPassword].Value(); len(pw) != backend.DefaultPasswordLength || strings.ContainsAny(pw, "/@\"'\\") {
		t.Fatalf("generated DB password %q", pw)
	}
	if strings.Contains(m.View(), m.inputs[fDBPassword].Value()) {
		t.Fatal("password shown before ctrl+r")
	}
	m, _ = press(t, m, "tab", "appdb")
	_, msg := press(t, m, "ctrl+s")
	in := submitted(t, msg)
	var got map[string]any
	if err := json.Unmarshal([]byte(*in.SecretString), &got); err != nil {
		t.Fatal(err)
	}
	if got["engine"] != "postgres" || got["host"] != "db.internal" || got["port"] != float64(5432) ||
		got["username"] != "app" || got["dbname"] != "appdb" || got["password"] != m.inputs[fDBPassword].Value() {
		t.Errorf("value %s", *in.SecretString)
	}
	if !strings.HasPrefix(*in.SecretString, `{"engine":"postgres","host":"db.internal","port":5432,"username":"app","password":`) {
		t.Errorf("key order: %s", *in.SecretString)
	}

	// a bad port is refused and focused
	m, _ = press(t, m, "up", "up", "up", "ctrl+u", "http")
	m, msg = press(t, m, "ctrl+s")
	if msg != nil || m.focus != fPort || !strings.Contains(m.View(), "port must be") {
		t.Errorf("bad port: %#v focus %v", msg, m.focus)
	}
}

func TestGeneratedPassword(t *testing.T) {
	m := New(Options{Generate: realGenerator})
	m.SetSize(80, 40)
	m, _ = press(t, m, "gen/pw", "tab", "tab", "tab", "tab", "left") // wraps to generated
	if m.Kind() != KindGenerated {
		t.Fatalf("kind %v", m.Kind())
	}
	first := m.generated
	if len(first) != 32 {
		t.Fatalf("choosing the type did not generate: %q", first)
	}
	if strings.Contains(m.View(), first) {
		t.Fatal("generated password shown before reveal")
	}
	// length 12, digits only: turn off upper, lower, punctuation
	m, _ = press(t, m, "tab", "ctrl+u", "12", "tab", "tab", "space", "tab", "space", "tab", "tab", "space", "ctrl+g")
	pw := m.generated
	if len(pw) != 12 || strings.IndexFunc(pw, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		t.Fatalf("generated %q, want 12 digits", pw)
	}
	m, _ = press(t, m, "tab", "tab", "tab", "ctrl+r")
	if m.focus != fGenerated || !strings.Contains(m.View(), pw) {
		t.Fatalf("ctrl+r did not reveal (focus %v):\n%s", m.focus, m.View())
	}
	_, msg := press(t, m, "ctrl+s")
	if in := submitted(t, msg); *in.SecretString != pw {
		t.Errorf("value %q, want %q", *in.SecretString, pw)
	}

	// a generator error is shown, not a crash
	failing := func(context.Context, *backend.GetRandomPasswordInput) (string, error) {
		return "", &backend.Error{Code: backend.CodeInvalidParameter, Message: "password length too short"}
	}
	m = New(Options{Generate: failing})
	m, _ = press(t, m, "x", "tab", "tab", "tab", "tab", "left")
	if !strings.Contains(m.View(), "InvalidParameterException") {
		t.Errorf("generator error not shown:\n%s", m.View())
	}
	_, msg = press(t, m, "ctrl+s")
	if msg != nil {
		t.Error("submitted without a password")
	}
}

func TestStaleGeneratedDropped(t *testing.T) {
	m := New(Options{Generate: realGenerator})
	m.kind = KindGenerated
	m, _ = m.startGenerate()
	m, _ = m.startGenerate()
	m, _ = m.Update(GeneratedMsg{ID: 1, Password: "stale"})
	if m.generated == "stale" {
		t.Fatal("stale result used")
	}
	m, _ = m.Update(GeneratedMsg{ID: 2, Password: "fresh"})
	if m.generated != "fresh" {
		t.Fatalf("fresh result dropped: %q", m.generated)
	}
}

func TestCancel(t *testing.T) {
	_, msg := press(t, New(Options{}), "abc", "esc")
	if _, ok := msg.(CancelMsg); !ok {
		t.Fatalf("got %#v", msg)
	}
	// esc while typing a key in the key/value editor only stops typing
	m, _ := press(t, New(Options{}), "n", "tab", "tab", "tab", "tab", "tab", "a", "k")
	m, msg = press(t, m, "esc")
	if msg != nil {
		t.Fatalf("esc in the key editor cancelled the form: %#v", msg)
	}
	if _, msg = press(t, m, "esc"); msg == nil {
		t.Fatal("second esc did not cancel")
	}
}

func TestOversizedValueRefused(t *testing.T) {
	m := New(Options{})
	m, _ = press(t, m, "big", "tab", "tab", "tab", "tab", "right", "tab")
	m.text, _ = m.text.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("x", backend.MaxValueBytes+1))})
	m, msg := press(t, m, "ctrl+s")
	if msg != nil || !strings.Contains(m.View(), "at most 65536 bytes") {
		t.Errorf("oversized value: %#v\n%s", msg, m.View())
	}
}

func TestViewFitsHeight(t *testing.T) {
	m := New(Options{Generate: realGenerator})
	m.SetSize(60, 8)
	m, _ = press(t, m, "n", "tab", "tab", "tab", "tab", "left")
	for i := 0; i < 9; i++ {
		m, _ = press(t, m, "tab")
		v := m.View()
		if n := strings.Count(v, "\n") + 1; n > 8 {
			t.Fatalf("view has %d lines at height 8", n)
		}
		if !strings.Contains(v, "> ") {
			t.Fatalf("focused field not in view:\n%s", v)
		}
	}
}

func TestHelp(t *testing.T) {
	m := New(Options{Generate: realGenerator})
	if len(m.ShortHelp()) == 0 || len(m.FullHelp()) == 0 {
		t.Fatal("no help")
	}
}

func TestViewFitsWidth(t *testing.T) {
	m := New(Options{Generate: realGenerator})
	m.SetSize(80, 24)
	for k := 0; k < int(kindCount); k++ {
		m, _ = press(t, m, "tab", "tab", "tab", "tab", "right")
		for _, l := range strings.Split(m.View(), "\n") {
			if w := len([]rune(l)); w > 80 {
				t.Errorf("%v: line is %d wide: %q", m.Kind(), w, l)
			}
		}
		m, _ = m.focusOn(fName)
	}
}

func TestNameLikePartialARNGetsANote(t *testing.T) {
	m, _ := press(t, New(Options{}), "db/app-a1B2c3")
	if !strings.Contains(m.View(), "partial ARN") {
		t.Fatalf("no note:\n%s", m.View())
	}
	// A note, not an error: the form still submits.
	if _, msg := press(t, m, "ctrl+s"); msg == nil {
		t.Fatal("the note blocked the submit")
	}
	m, _ = press(t, New(Options{}), "db/app-a1B2c")
	if strings.Contains(m.View(), "partial ARN") {
		t.Fatalf("note for a name that cannot be confused:\n%s", m.View())
	}
}

func TestNameErrorWrapsToTheWidth(t *testing.T) {
	m := New(Options{})
	m.SetSize(80, 24)
	m, _ = press(t, m, "bad name!")
	var got strings.Builder
	for _, l := range strings.Split(m.View(), "\n") {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than 80 columns: %q", l)
		}
		got.WriteString(strings.TrimSpace(l) + " ")
	}
	if !strings.Contains(got.String(), "any of the following: -/_+=.@!") {
		t.Fatalf("the characters a name may hold are cut off:\n%s", m.View())
	}
}
