package ui

import (
	"strings"
	"testing"
)

// At 60×20 the detail page's help is taller than the screen: it scrolls,
// says there is more, and every key can be reached.
func TestHelpScrollsOnASmallTerminal(t *testing.T) {
	h, _ := fixture(t, false, 60, 20)
	h.openDetail("dev/cart/redis")
	h.press("?")
	first := h.view()
	if strings.Contains(first, "turn rotation off") {
		t.Fatalf("the help fits at 60×20 after all; this test needs a smaller screen:\n%s", first)
	}
	if !strings.Contains(first, "↓ more") {
		t.Fatalf("the help is cut with no sign that more follows:\n%s", first)
	}
	// Every key is on some screen on the way down, and the end is reached.
	seen := false
	for i := 0; i < 100 && !seen; i++ {
		seen = strings.Contains(h.view(), "O turn rotation off")
		h.press("j")
	}
	h.press("G")
	last := h.view()
	if !seen || strings.Contains(last, "↓ more") {
		t.Fatalf("the end of the help cannot be reached:\n%s", last)
	}
	h.press("g")
	if h.view() != first {
		t.Fatalf("g does not go back to the top:\n%s", h.view())
	}
	h.press("esc")
	if h.m.showing {
		t.Fatal("esc did not close the help")
	}
	// Reopened, it starts at the top.
	h.press("?", "j", "esc", "?")
	if h.view() != first {
		t.Fatalf("reopened help does not start at the top:\n%s", h.view())
	}
}

// The help screen explains what the page on top needs beyond its keys —
// the list's filter grammar, the audit filter, the detail page's fields
// and copy menu — and nothing meant for another page; where copies go is
// explained everywhere.
func TestHelpNotesFollowThePage(t *testing.T) {
	h, _ := fixture(t, false, 200, 100)
	const (
		list   = "tag:env=prod or env=prod"
		audit  = "op:Put  actor:alice  secret:prod/"
		detail = "C then n name · a ARN"
		clip   = "over SSH: OSC 52 to your terminal"
	)
	check := func(where string, want string) {
		t.Helper()
		h.press("?")
		v := h.view()
		h.press("esc")
		for _, n := range []string{list, audit, detail} {
			if got := strings.Contains(v, n); got != (n == want) {
				t.Errorf("%s: help shows %q: %v, want %v", where, n, got, n == want)
			}
		}
		if !strings.Contains(v, clip) {
			t.Errorf("%s: help does not say where copies go:\n%s", where, v)
		}
	}
	check("list", list)
	h.press("A")
	h.audit()
	check("audit", audit)
	h.press("esc")
	h.openDetail("dev/cart/redis")
	check("detail", detail)
	h.press("v")
	check("versions", "")
}

// ! opens the last error in full once: pressed again on that
// page it stacks no second copy, and esc returns to where it was pressed.
func TestErrorKeyOpensOneErrorPage(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.press("!")
	if len(h.m.pages) != 1 {
		t.Fatalf("with no error, ! opened a page: %T", h.m.top())
	}
	h.send(flashMsg{text: "AccessDeniedException: not allowed", isErr: true})
	h.press("!")
	h.seeView("AccessDeniedException: not allowed")
	h.press("!")
	if len(h.m.pages) != 2 {
		t.Fatalf("%d pages after ! twice, want the list and one error page", len(h.m.pages))
	}
	h.press("esc")
	if _, ok := h.m.top().(*listPage); !ok {
		t.Fatalf("esc went to %T, want the list", h.m.top())
	}
}
