package editor

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestTextEdit(t *testing.T) {
	m, err := NewText("line one\nline two", Styles{})
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(40, 5)
	if !strings.Contains(m.View(), "line two") {
		t.Fatalf("view: %q", m.View())
	}
	for _, k := range []tea.KeyMsg{
		{Type: tea.KeyEnter},
		{Type: tea.KeyRunes, Runes: []rune("three")},
	} {
		m, _ = m.Update(k)
	}
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
	if cmd == nil {
		t.Fatal("ctrl+s gave no command")
	}
	s, ok := cmd().(SubmitMsg)
	if !ok || s.Value != "line one\nline two\nthree" {
		t.Fatalf("got %#v", s)
	}
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if _, ok := cmd().(CancelMsg); !ok {
		t.Fatal("esc did not cancel")
	}
}

func TestTextRoundTrip(t *testing.T) {
	for _, v := range []string{"", "pw", "a\nb\n", "東京 🔑\n"} {
		m, err := NewText(v, Styles{})
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if m.Value() != v {
			t.Errorf("%q came back as %q", v, m.Value())
		}
	}
}

func TestTextRefusesWhatItWouldMangle(t *testing.T) {
	for _, v := range []string{
		"a\x1b[2Jb",                  // would reach the terminal
		"tab\there",                  // expanded to spaces
		"crlf\r\n",                   // CR dropped
		"bidi\u202e",                 // drawn raw
		"bad\uFFFDrune",              // dropped by the text area
		strings.Repeat("x\n", 10001), // over its line limit
	} {
		if _, err := NewText(v, Styles{}); !errors.Is(err, ErrUnsafeText) {
			t.Errorf("NewText(%.20q) = %v, want ErrUnsafeText", v, err)
		}
	}
}
