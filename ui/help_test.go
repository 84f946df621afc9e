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
