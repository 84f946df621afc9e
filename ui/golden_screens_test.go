package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenEditingScreens records the screens an operator types into, at
// the two fixed sizes: the create form, the key/value editor of a JSON
// value, and the list with secrets scheduled for deletion shown.
func TestGoldenEditingScreens(t *testing.T) {
	screens := []struct {
		name  string
		drive func(p *program)
	}{
		{"create-form", func(p *program) {
			p.press("n")
			p.waitFor("ctrl+s")
		}},
		{"edit-json", func(p *program) {
			p.press("j", "j", "j", "enter")
			p.waitFor("PostgreSQL credentials for the payments")
			p.press("e")
			p.waitFor("ctrl+s")
		}},
		{"list-deleted", func(p *program) {
			p.press("x")
			p.waitFor("deleted")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				b, normalize := goldenStore(t)
				p := startProgram(t, Config{Backend: b, Version: "v1.0.0"}, size[0], size[1])
				p.waitFor("prod/payments/postgres")
				sc.drive(p)
				golden.RequireEqual(t, []byte(normalize(p.finish())))
			})
		}
	}
}
