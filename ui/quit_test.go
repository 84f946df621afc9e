package ui

import (
	"strings"
	"testing"
)

// Quitting while a copied value waits for its clear timer clears it then:
// the timer would die with the program and leave the value behind.
func TestQuitClearsTheClipboard(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	h.press("c")
	if got, _ := h.clip.ReadAll(); !strings.Contains(got, "S3cret-Pa55word") {
		t.Fatalf("clipboard holds %q after c", got)
	}
	h.press("q")
	if !h.quit {
		t.Fatal("q did not quit")
	}
	if got, _ := h.clip.ReadAll(); got != "" {
		t.Fatalf("clipboard holds %q after quitting", got)
	}
}

// What the operator copied elsewhere since is theirs: quitting leaves it.
func TestQuitLeavesTheOperatorsClipboard(t *testing.T) {
	h, _ := fixture(t, false, 120, 40)
	h.openDetail("prod/payments/postgres")
	h.press("c")
	if err := h.clip.WriteAll("a URL from the browser"); err != nil {
		t.Fatal(err)
	}
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c did not quit")
	}
	if got, _ := h.clip.ReadAll(); got != "a URL from the browser" {
		t.Fatalf("clipboard holds %q after quitting, want the operator's own text", got)
	}
}
