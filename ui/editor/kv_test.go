package editor

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "ctrl+r":
		return tea.KeyMsg{Type: tea.KeyCtrlR}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys; a key that is a single word of several letters is
// typed as text.
func press(t *testing.T, m KV, keys ...string) (KV, tea.Msg) {
	t.Helper()
	var last tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(keyMsg(k))
		if msg := quickMsg(cmd); msg != nil {
			switch msg.(type) {
			case SubmitMsg, CancelMsg:
				last = msg
			}
		}
	}
	return m, last
}

// quickMsg runs cmd and returns its message, or nil when it waits: the
// input's cursor blink is a timer, the editors' own results are immediate.
func quickMsg(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(50 * time.Millisecond):
		return nil
	}
}

func submit(t *testing.T, m KV) string {
	t.Helper()
	_, msg := press(t, m, "ctrl+s")
	s, ok := msg.(SubmitMsg)
	if !ok {
		t.Fatalf("ctrl+s gave %#v", msg)
	}
	return s.Value
}

const dbSecret = `{"engine":"postgres","host":"db.internal","port":5432,"ssl":true,"opts":{"a":[1,2]},"note":null,"password":"hunter2"}`

func TestKVRoundTripKeepsOrderAndTypes(t *testing.T) {
	m, err := NewKV(dbSecret, Styles{})
	if err != nil {
		t.Fatal(err)
	}
	if got := submit(t, m); got != dbSecret {
		t.Errorf("unedited value changed:\n got %s\nwant %s", got, dbSecret)
	}
	// HTML-ish characters survive byte for byte.
	m, _ = NewKV(`{"url":"https://x?a=1&b=<2>"}`, Styles{})
	if got := submit(t, m); got != `{"url":"https://x?a=1&b=<2>"}` {
		t.Errorf("got %s", got)
	}
	// A multi-line original stays indented.
	m, _ = NewKV("{\n  \"a\": \"b\",\n  \"n\": 1\n}", Styles{})
	if got := submit(t, m); got != "{\n  \"a\": \"b\",\n  \"n\": 1\n}" {
		t.Errorf("indented: %q", got)
	}
}

func TestNewKVRejectsNonObjects(t *testing.T) {
	for _, v := range []string{"plain", "[1,2]", `{"a":1`, `{"a":1} x`, ""} {
		if _, err := NewKV(v, Styles{}); err == nil {
			t.Errorf("NewKV(%q) accepted", v)
		}
	}
}

func TestKVEditValueKeepsType(t *testing.T) {
	m, _ := NewKV(dbSecret, Styles{})
	// port: cursor to index 2, replace 5432 by 6543: stays a number.
	m, _ = press(t, m, "down", "down", "enter", "ctrl+u", "6543", "enter")
	// ssl: true -> "maybe": no longer a boolean, so it becomes a string.
	m, _ = press(t, m, "down", "enter", "ctrl+u", "maybe", "enter")
	// password: the last one.
	m, _ = press(t, m, "down", "down", "down", "enter", "ctrl+u", "s3cret", "enter")
	want := `{"engine":"postgres","host":"db.internal","port":6543,"ssl":"maybe","opts":{"a":[1,2]},"note":null,"password":"s3cret"}`
	if got := submit(t, m); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestKVAddRenameDelete(t *testing.T) {
	m, _ := NewKV(`{"a":"1","b":"2","c":"3"}`, Styles{})
	// add after "a": key then value
	m, _ = press(t, m, "a", "new", "enter")
	if !m.Editing() {
		t.Fatal("adding a key should go on to its value")
	}
	m, _ = press(t, m, "v4", "enter")
	// rename "b" (now at index 2) to "bee"
	m, _ = press(t, m, "down", "r", "ctrl+u", "bee", "enter")
	// delete "c"
	m, _ = press(t, m, "down", "d")
	if got, want := submit(t, m), `{"a":"1","new":"v4","bee":"2"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestKVRejectsDuplicateAndEmptyKeys(t *testing.T) {
	m, _ := NewKV(`{"a":"1","b":"2"}`, Styles{})
	m, _ = press(t, m, "a", "b", "enter")
	if !m.Editing() || !strings.Contains(m.View(), `key "b" exists already`) {
		t.Fatalf("duplicate accepted:\n%s", m.View())
	}
	m, _ = press(t, m, "ctrl+u", "enter")
	if !strings.Contains(m.View(), "cannot be empty") {
		t.Fatalf("empty key accepted:\n%s", m.View())
	}
	// esc abandons the new key and changes nothing
	m, _ = press(t, m, "esc")
	if m.Editing() {
		t.Fatal("esc did not leave the input")
	}
	if got := submit(t, m); got != `{"a":"1","b":"2"}` {
		t.Errorf("got %s", got)
	}
	// renaming a key to its own name is fine
	m, _ = press(t, m, "r", "enter")
	if m.Editing() {
		t.Error("renaming to the same name was refused")
	}
}

func TestKVMasking(t *testing.T) {
	m, _ := NewKV(`{"user":"app","password":"hunter2"}`, Styles{})
	m.SetSize(60, 10)
	if v := m.View(); strings.Contains(v, "hunter2") || strings.Contains(v, "app ") {
		t.Fatalf("values shown before reveal:\n%s", v)
	}
	m, _ = press(t, m, "down", "v")
	if v := m.View(); !strings.Contains(v, "hunter2") {
		t.Fatalf("revealed field not shown:\n%s", v)
	}
	// revealing another field hides the first: one at a time
	m, _ = press(t, m, "up", "v")
	if v := m.View(); strings.Contains(v, "hunter2") || !strings.Contains(v, "app") {
		t.Fatalf("reveal is not one field at a time:\n%s", v)
	}
	// editing a masked value types masked
	m, _ = press(t, m, "down", "enter")
	if v := m.View(); strings.Contains(v, "hunter2") {
		t.Fatalf("masked input shows the value:\n%s", v)
	}
	m, _ = press(t, m, "ctrl+r")
	if v := m.View(); !strings.Contains(v, "hunter2") {
		t.Fatalf("ctrl+r did not show the input:\n%s", v)
	}
	m, msg := press(t, m, "esc", "esc")
	if _, ok := msg.(CancelMsg); !ok {
		t.Errorf("esc in browse mode gave %#v", msg)
	}
}

func TestKVUnsafeValues(t *testing.T) {
	m, _ := NewKV(`{"k\u001b]0;x\u0007":"v\u001b[2J","ok":"x"}`, Styles{})
	m, _ = press(t, m, "v")
	v := m.View()
	if strings.ContainsRune(v, 0x1b) || strings.ContainsRune(v, 0x07) {
		t.Fatalf("escape reached the view: %q", v)
	}
	if !strings.Contains(v, `v\x1b[2J`) || !strings.Contains(v, `k\x1b]0;x\x07`) {
		t.Fatalf("escapes not visible: %q", v)
	}
	// in-place editing would lose the ESC: refused, with the reason
	m, _ = press(t, m, "enter")
	if m.Editing() || !strings.Contains(m.View(), "$EDITOR") {
		t.Fatalf("unsafe value opened for editing: %q", m.View())
	}
	m, _ = press(t, m, "r")
	if m.Editing() {
		t.Fatal("unsafe key opened for renaming")
	}
	// untouched, it survives exactly
	if got := submit(t, m); got != `{"k\u001b]0;x\u0007":"v\u001b[2J","ok":"x"}` {
		t.Errorf("got %q", got)
	}
}

func TestKVScrollsToCursor(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 30; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"key` + string(rune('A'+i%26)) + string(rune('a'+i/26)) + `":"v"`)
	}
	b.WriteString("}")
	m, err := NewKV(b.String(), Styles{})
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(40, 6)
	for i := 0; i < 29; i++ {
		m, _ = press(t, m, "down")
	}
	v := m.View()
	if !strings.Contains(v, "> keyDb") || strings.Contains(v, "keyAa") {
		t.Errorf("cursor row not in view:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n > 6 {
		t.Errorf("view is %d lines, height is 6", n)
	}
}

func TestKVEmptyObject(t *testing.T) {
	m, _ := NewKV(`{}`, Styles{})
	m, _ = press(t, m, "d", "enter", "r", "v") // nothing to act on: no panic, no change
	if m.Editing() {
		t.Fatal("editing with no keys")
	}
	m, _ = press(t, m, "a", "user", "enter", "app", "enter")
	if got := submit(t, m); got != `{"user":"app"}` {
		t.Errorf("got %s", got)
	}
}

func TestKVHelp(t *testing.T) {
	m, _ := NewKV(`{"a":"b"}`, Styles{})
	if len(m.ShortHelp()) == 0 || len(m.FullHelp()) == 0 {
		t.Fatal("no help")
	}
	m, _ = press(t, m, "enter")
	for _, b := range m.ShortHelp() {
		if b.Help().Desc == "delete key" {
			t.Error("browse keys offered while typing")
		}
	}
}

func TestKVRunesInOneRead(t *testing.T) {
	// "a" and a key name typed quickly arrive as one KeyRunes message.
	m, _ := NewKV(`{"x":"1"}`, Styles{})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("auser")})
	if !m.Editing() || m.input.Value() != "user" {
		t.Fatalf("editing %v, input %q", m.Editing(), m.input.Value())
	}
	m, _ = press(t, m, "enter", "bob", "enter")
	if got := submit(t, m); got != `{"x":"1","user":"bob"}` {
		t.Errorf("got %s", got)
	}
	// "jd": down, then delete.
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jd")})
	if got := submit(t, m); got != `{"x":"1"}` {
		t.Errorf("after jd: %s", got)
	}
	// Pasted text is not a string of commands.
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("dddd"), Paste: true})
	if got := submit(t, m); got != `{"x":"1"}` {
		t.Errorf("paste acted as commands: %s", got)
	}
}

// Editing one key leaves every other key as it was written, escapes and
// number spelling included, and the summary names only the edited key.
func TestKVWritesUntouchedKeysBackExactly(t *testing.T) {
	const value = `{"host":"db1","password":"p\u003cw\u003e","port":5432.0,"k\u00e9y":"x"}`
	m, err := NewKV(value, Styles{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = press(t, m, "enter", "ctrl+u", "db2", "enter")
	got := submit(t, m)
	if want := `{"host":"db2","password":"p\u003cw\u003e","port":5432.0,"k\u00e9y":"x"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if s := Summarize(value, got); s.String() != "1 key changed (host)" {
		t.Errorf("summary %q", s.String())
	}
}
