package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// nested is a value with objects and arrays inside, and more rows than fit
// below the metadata at 80×24.
const nested = `{"db":{"user":"v-user","password":"v-pass","replica":{"host":"v-rhost"}},"hosts":["v-h0","v-h1"],` +
	`"k1":"v-k1","k2":"v-k2","k3":"v-k3","k4":"v-k4","k5":"v-k5","k6":"v-k6","last":"v-last"}`

func createNested(t *testing.T, b backend.Backend) {
	t.Helper()
	ctx := context.Background()
	if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "prod/nested", SecretString: str(nested),
		Tags: []backend.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: "3"}}}); err != nil {
		t.Fatal(err)
	}
}

// While masked, y lists every member at every depth as a tree; the status
// bar names the selected path; y copies the value at that path and space
// reveals only it; the selected row is on screen at 80×24 down to the last.
func TestNestedFieldsWhileMasked(t *testing.T) {
	eachBackend(t, 80, 24, createNested, func(t *testing.T, h *harness) {
		h.openDetail("prod/nested")
		h.press("y")
		v := h.view()
		if !strings.Contains(v, "› db") || strings.Contains(v, "v-") {
			t.Fatalf("the tree is not shown masked:\n%s", v)
		}
		h.press("j", "j")
		v = h.view()
		if !rowHas(v, "›   password", "••") || !strings.Contains(v, "db.password") || strings.Contains(v, "v-") {
			t.Fatalf("db.password not selected, masked, and named in the status bar:\n%s", v)
		}
		h.press("y")
		if got, _ := h.clip.ReadAll(); got != "v-pass" {
			t.Fatalf("copied %q, want v-pass", got)
		}
		h.wantStatus("db.password of prod/nested")
		h.press("j", "j", "j", "j", "j") // replica, host, hosts, hosts[0], hosts[1]
		if v := h.view(); !rowHas(v, "›   [1]", "••") || !strings.Contains(v, "hosts[1]") {
			t.Fatalf("hosts[1] not selected:\n%s", v)
		}
		h.press("space")
		v = h.view()
		if !rowHas(v, "[1]", "v-h1") || strings.Contains(v, "v-h0") || strings.Contains(v, "v-pass") {
			t.Fatalf("space did not reveal only hosts[1]:\n%s", v)
		}
		h.press("y")
		if got, _ := h.clip.ReadAll(); got != "v-h1" {
			t.Fatalf("copied %q, want v-h1", got)
		}
		// A container copies as compact JSON.
		h.press("k", "k", "y")
		if got, _ := h.clip.ReadAll(); got != `["v-h0","v-h1"]` {
			t.Fatalf("copied %q, want the hosts array", got)
		}
		for i := 0; i < 12; i++ {
			h.press("j")
			d := h.detail()
			if want := "› " + strings.Repeat("  ", d.fields[d.cursor].Depth) + d.fields[d.cursor].Label; !strings.Contains(h.view(), want) {
				t.Fatalf("row %d (%s) selected but not on screen:\n%s", d.cursor, d.fields[d.cursor].Path, h.view())
			}
		}
		if d := h.detail(); d.fields[d.cursor].Path != "last" {
			t.Fatalf("the cursor stopped at %s, not at the last row", d.fields[d.cursor].Path)
		}
	})
}

// Revealed, the tree shows every leaf's value, indented under its parent.
func TestNestedFieldsRevealed(t *testing.T) {
	h, s := fixture(t, false, 100, 40)
	createNested(t, s)
	h.press("ctrl+r")
	h.openDetail("prod/nested")
	h.press("r")
	v := h.view()
	for _, row := range [][]string{{"db", "3 keys"}, {"  password", "v-pass"}, {"    host", "v-rhost"}, {"hosts", "2 items"}, {"  [0]", "v-h0"}} {
		if !rowHas(v, row...) {
			t.Fatalf("no row with %q:\n%s", row, v)
		}
	}
}
