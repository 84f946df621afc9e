package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func wheel(up bool) tea.MouseMsg {
	b := tea.MouseButtonWheelDown
	if up {
		b = tea.MouseButtonWheelUp
	}
	return tea.MouseMsg{Action: tea.MouseActionPress, Button: b}
}

func click(y int) tea.MouseMsg {
	return tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: y}
}

// The wheel moves through the rows and a click selects the row under it,
// on the list, the detail's fields, the versions and the audit records.
func TestMouseWheelAndClick(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	l := h.list()
	h.send(wheel(false))
	if l.cursor != wheelRows {
		t.Fatalf("a wheel notch moved the list to %d, want %d", l.cursor, wheelRows)
	}
	h.send(wheel(true))
	if l.cursor != 0 {
		t.Fatalf("wheel up moved the list to %d", l.cursor)
	}
	// Row i of the list is drawn at line 3+i.
	h.send(click(3 + 4))
	if l.cursor != 4 {
		t.Fatalf("a click on the fifth row selected %d", l.cursor)
	}
	h.send(click(1)) // the filter line: nothing to select
	if l.cursor != 4 {
		t.Fatalf("a click off the rows moved the cursor to %d", l.cursor)
	}

	d := h.openDetail("prod/payments/postgres")
	h.press("y")
	h.view()
	h.send(click(d.fieldLine - d.offset + 3))
	if d.cursor != 3 || d.fields[3].Path != "username" {
		t.Fatalf("a click on the fourth field selected %d", d.cursor)
	}
	h.press("v")
	v := h.m.top().(*versionsPage)
	h.view()
	h.send(click(3 + 1))
	if v.cursor != 1 {
		t.Fatalf("a click on the second version selected %d", v.cursor)
	}
	h.press("esc", "a")
	a := h.audit()
	h.send(click(3 + 2))
	if a.cursor != 2 {
		t.Fatalf("a click on the third record selected %d", a.cursor)
	}
	h.send(wheel(false))
	if a.cursor != 2+wheelRows && a.cursor != len(a.shown)-1 {
		t.Fatalf("the wheel moved the audit cursor to %d", a.cursor)
	}
}

// A wheel notch never reaches a dialog or a text field.
func TestMouseLeavesDialogsAndFieldsAlone(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("/")
	h.typeText("prod")
	h.send(wheel(false))
	if l := h.list(); l.filter.Value() != "prod" || l.cursor != 0 {
		t.Fatalf("the wheel changed the filter %q or the cursor %d", l.filter.Value(), l.cursor)
	}
	h.press("enter", "d")
	if h.m.dialog == nil {
		t.Fatal("no delete dialog")
	}
	h.send(click(20))
	h.send(wheel(true))
	if h.m.dialog == nil {
		t.Fatal("the mouse closed the dialog")
	}
}
