package theme

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func renderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return r
}

func TestEveryThemeBuilds(t *testing.T) {
	for _, name := range []string{"", Auto, Dark, Light, Mono, "DARK"} {
		if _, err := New(renderer(termenv.TrueColor), name); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	if _, err := New(renderer(termenv.TrueColor), "solarized"); err == nil || !strings.Contains(err.Error(), "auto, dark, light or mono") {
		t.Fatalf("unknown theme: %v", err)
	}
}

// Every token names an explicit 16-colour fallback (0–15), so the console
// never relies on a downsampled guess on a 16-colour terminal.
func TestTokensHave16ColourFallbacks(t *testing.T) {
	for name, tokens := range map[string]Tokens{"dark": DarkTokens(), "light": LightTokens()} {
		for i, c := range tokenList(tokens) {
			cc, ok := c.(lipgloss.CompleteColor)
			if !ok {
				t.Fatalf("%s token %d is %T, want CompleteColor", name, i, c)
			}
			if cc.ANSI == "" || len(cc.ANSI) > 2 || cc.ANSI256 == "" || cc.TrueColor == "" {
				t.Errorf("%s token %d lacks a colour level: %+v", name, i, cc)
			}
		}
	}
	for i, c := range tokenList(AdaptiveTokens()) {
		if _, ok := c.(lipgloss.CompleteAdaptiveColor); !ok {
			t.Errorf("adaptive token %d is %T", i, c)
		}
	}
}

func tokenList(t Tokens) []lipgloss.TerminalColor {
	return []lipgloss.TerminalColor{t.Text, t.Muted, t.Accent, t.SelectedFg, t.SelectedBg, t.Warning,
		t.Danger, t.Success, t.BarFg, t.BarBg, t.Badge}
}

// In 16 colours the selected row uses the ANSI fallback pair; selected
// text and background must differ or the cursor disappears.
func TestSelectionVisibleIn16Colours(t *testing.T) {
	for _, name := range []string{Dark, Light} {
		st, err := New(renderer(termenv.ANSI), name)
		if err != nil {
			t.Fatal(err)
		}
		out := st.Selected.Render("row")
		if !strings.Contains(out, "\x1b[") {
			t.Fatalf("%s: selection not styled in 16 colours: %q", name, out)
		}
	}
}

// Without colour (mono, or NO_COLOR's ASCII profile) the selection still
// shows: reverse video in mono.
func TestMonoUsesAttributes(t *testing.T) {
	st, err := New(renderer(termenv.ANSI), Mono)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Mono {
		t.Fatal("mono theme not marked mono")
	}
	out := st.Selected.Render("row")
	if !strings.Contains(out, "\x1b[7m") && !strings.Contains(out, ";7m") {
		t.Fatalf("mono selection is not reverse video: %q", out)
	}
	for _, colour := range []string{"38;", "48;", "\x1b[3", "\x1b[4", "\x1b[9", "\x1b[10"} {
		if strings.Contains(out, colour) {
			t.Fatalf("mono selection carries a colour: %q", out)
		}
	}
	asc, _ := New(renderer(termenv.Ascii), Auto)
	if !asc.Mono {
		t.Fatal("the ASCII profile did not select mono styles")
	}
}
