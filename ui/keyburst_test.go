package ui

import (
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
)

// burst is what a terminal behind tmux or a slow link delivers when keys
// are typed faster than it reads them: one message with several runes.
func burst(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestKeyBurstMovesTheListCursorOncePerKey(t *testing.T) {
	h, _ := fixture(t, false, 80, 24)
	l := h.list()
	h.send(burst("jjj"))
	if l.cursor != 3 {
		t.Fatalf("cursor %d after the burst jjj, want 3", l.cursor)
	}
	h.send(burst("kjk"))
	if l.cursor != 2 {
		t.Fatalf("cursor %d after the burst kjk, want 2", l.cursor)
	}
}

func TestKeyBurstAnswersTheConfirmation(t *testing.T) {
	ctx := context.Background()
	h, s := fixture(t, false, 120, 40)
	h.selectName("staging/orders/mysql")
	h.press("d")
	if _, ok := h.m.dialog.(*confirmDialog); !ok {
		t.Fatalf("d opened %T, want the delete confirmation", h.m.dialog)
	}
	// The recovery window is typed and confirmed in one burst.
	h.press("backspace", "backspace")
	h.send(burst("14y"))
	if h.m.dialog != nil {
		t.Fatalf("the dialog is still open after the burst 14y:\n%s", h.view())
	}
	m, err := s.DescribeSecret(ctx, "staging/orders/mysql")
	if err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(14 * 24 * time.Hour); !m.DeletionDate.Equal(want) {
		t.Fatalf("deletion date %v, want %v (14 days)", m.DeletionDate, want)
	}
}

// A no followed by a yes in the same burst must stay a no: the keys after
// an answer are dropped, not handed to the dialog that is closing.
func TestKeyBurstAfterNoDoesNotConfirm(t *testing.T) {
	ctx := context.Background()
	h, s := fixture(t, false, 120, 40)
	h.selectName("staging/orders/mysql")
	h.press("d")
	h.send(burst("ny"))
	if h.m.dialog != nil {
		t.Fatalf("the dialog is still open after n")
	}
	m, err := s.DescribeSecret(ctx, "staging/orders/mysql")
	if err != nil {
		t.Fatal(err)
	}
	if m.Deleted() {
		t.Fatal("the burst ny deleted the secret")
	}
}

// A text field gets a burst as the text it is: in the filter, and after
// "/" opened the filter within the same burst.
func TestKeyBurstIsTextInATextField(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	l := h.list()
	h.send(burst("/orders"))
	if !l.filtering || l.filter.Value() != "orders" {
		t.Fatalf("filtering %v, filter %q after the burst /orders", l.filtering, l.filter.Value())
	}
	// j and k are letters here, not moves.
	h.send(burst("jk"))
	if l.filter.Value() != "ordersjk" {
		t.Fatalf("filter %q, want ordersjk", l.filter.Value())
	}
	// A paste is never split, wherever it goes.
	h.press("esc", "esc")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj"), Paste: true})
	if l.cursor != 0 {
		t.Fatalf("a pasted jjj moved the cursor to %d", l.cursor)
	}
}

// The prompt that guards a force delete is a text field: the name typed
// as one burst is the name.
func TestKeyBurstInPromptDialog(t *testing.T) {
	ctx := context.Background()
	h, s := fixture(t, false, 120, 40)
	h.selectName("staging/orders/mysql")
	h.press("D")
	if _, ok := h.m.dialog.(*promptDialog); !ok {
		t.Fatalf("D opened %T, want the force-delete prompt", h.m.dialog)
	}
	h.send(burst("staging/orders/mysql"))
	h.press("enter")
	if _, err := s.DescribeSecret(ctx, "staging/orders/mysql"); backend.Code(err) != backend.CodeResourceNotFound {
		t.Fatalf("after typing the name in one burst: %v, want the secret gone", err)
	}
}
