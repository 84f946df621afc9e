// Package theme holds the console's colour tokens and the styles built from
// them. Every colour the console draws comes from a named token here, so a
// theme is a table of tokens and nothing else needs to know about colour.
package theme

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Names accepted by New.
const (
	Auto  = "auto"
	Dark  = "dark"
	Light = "light"
	Mono  = "mono"
)

// Tokens are the named colours of a theme. Each token carries an explicit
// 16-colour choice so the console stays readable on terminals that cannot
// show more (the downsampled 256-colour guess is often unreadable).
type Tokens struct {
	Text       lipgloss.TerminalColor // ordinary text
	Muted      lipgloss.TerminalColor // secondary text: dates, hints, borders
	Accent     lipgloss.TerminalColor // titles, key names in help
	SelectedFg lipgloss.TerminalColor // text of the selected row
	SelectedBg lipgloss.TerminalColor // background of the selected row
	Warning    lipgloss.TerminalColor // scheduled deletion, pending rotation
	Danger     lipgloss.TerminalColor // errors, destructive prompts
	Success    lipgloss.TerminalColor // finished tasks
	BarFg      lipgloss.TerminalColor // status bar text
	BarBg      lipgloss.TerminalColor // status bar background
	Badge      lipgloss.TerminalColor // READ-ONLY badge background
}

func cc(trueColor, ansi256, ansi string) lipgloss.CompleteColor {
	return lipgloss.CompleteColor{TrueColor: trueColor, ANSI256: ansi256, ANSI: ansi}
}

func adaptive(light, dark lipgloss.CompleteColor) lipgloss.CompleteAdaptiveColor {
	return lipgloss.CompleteAdaptiveColor{Light: light, Dark: dark}
}

// Palette colours, named once so the themes below read as a table.
var (
	darkText     = cc("#E4E4E7", "254", "7")
	darkMuted    = cc("#8B8B94", "245", "8")
	darkAccent   = cc("#7AA2F7", "111", "12")
	darkSelFg    = cc("#0B0B0F", "232", "0")
	darkSelBg    = cc("#7AA2F7", "111", "12")
	darkWarning  = cc("#E0AF68", "179", "11")
	darkDanger   = cc("#F7768E", "204", "9")
	darkSuccess  = cc("#9ECE6A", "149", "10")
	darkBarFg    = cc("#E4E4E7", "254", "15")
	darkBarBg    = cc("#2A2B3D", "236", "8")
	darkBadge    = cc("#F7768E", "204", "1")
	lightText    = cc("#1F2328", "235", "0")
	lightMuted   = cc("#6E7781", "243", "8")
	lightAccent  = cc("#0550AE", "25", "4")
	lightSelFg   = cc("#FFFFFF", "231", "15")
	lightSelBg   = cc("#0550AE", "25", "4")
	lightWarning = cc("#9A6700", "136", "3")
	lightDanger  = cc("#CF222E", "160", "1")
	lightSuccess = cc("#1A7F37", "28", "2")
	lightBarFg   = cc("#1F2328", "235", "0")
	lightBarBg   = cc("#D0D7DE", "252", "7")
	lightBadge   = cc("#CF222E", "160", "1")
)

// DarkTokens are for dark terminal backgrounds.
func DarkTokens() Tokens {
	return Tokens{darkText, darkMuted, darkAccent, darkSelFg, darkSelBg, darkWarning,
		darkDanger, darkSuccess, darkBarFg, darkBarBg, darkBadge}
}

// LightTokens are for light terminal backgrounds.
func LightTokens() Tokens {
	return Tokens{lightText, lightMuted, lightAccent, lightSelFg, lightSelBg, lightWarning,
		lightDanger, lightSuccess, lightBarFg, lightBarBg, lightBadge}
}

// AdaptiveTokens pick the light or dark colour from the terminal's background.
func AdaptiveTokens() Tokens {
	return Tokens{
		Text:       adaptive(lightText, darkText),
		Muted:      adaptive(lightMuted, darkMuted),
		Accent:     adaptive(lightAccent, darkAccent),
		SelectedFg: adaptive(lightSelFg, darkSelFg),
		SelectedBg: adaptive(lightSelBg, darkSelBg),
		Warning:    adaptive(lightWarning, darkWarning),
		Danger:     adaptive(lightDanger, darkDanger),
		Success:    adaptive(lightSuccess, darkSuccess),
		BarFg:      adaptive(lightBarFg, darkBarFg),
		BarBg:      adaptive(lightBarBg, darkBarBg),
		Badge:      adaptive(lightBadge, darkBadge),
	}
}

// MonoTokens use no colour at all; the styles fall back to bold, faint and
// reverse video so the selection and warnings stay visible.
func MonoTokens() Tokens {
	n := lipgloss.NoColor{}
	return Tokens{n, n, n, n, n, n, n, n, n, n, n}
}

// Styles are the lipgloss styles the console draws with, all derived from
// one set of tokens and bound to one renderer (never the global one, so two
// programs or two tests can use different profiles).
type Styles struct {
	Name string
	Mono bool

	Text     lipgloss.Style
	Muted    lipgloss.Style
	Title    lipgloss.Style
	Header   lipgloss.Style
	Selected lipgloss.Style
	Warning  lipgloss.Style
	Danger   lipgloss.Style
	Success  lipgloss.Style
	Key      lipgloss.Style
	Label    lipgloss.Style
	Masked   lipgloss.Style
	Bar      lipgloss.Style
	Badge    lipgloss.Style
	Dialog   lipgloss.Style
	Button   lipgloss.Style
	ButtonOn lipgloss.Style
	DiffAdd  lipgloss.Style
	DiffDel  lipgloss.Style
}

// New builds the styles of a named theme ("auto", "dark", "light", "mono";
// empty means auto) on renderer r. The renderer's colour profile decides how
// colours are written; a profile without colour (NO_COLOR, dumb terminals)
// gets the mono styles so the selection stays visible.
func New(r *lipgloss.Renderer, name string) (Styles, error) {
	var t Tokens
	switch strings.ToLower(name) {
	case "", Auto:
		name, t = Auto, AdaptiveTokens()
	case Dark:
		t = DarkTokens()
	case Light:
		t = LightTokens()
	case Mono:
		t = MonoTokens()
	default:
		return Styles{}, fmt.Errorf("unknown theme %q (want auto, dark, light or mono)", name)
	}
	mono := name == Mono || r.ColorProfile() == termenv.Ascii
	s := Styles{Name: name, Mono: mono}
	ns := r.NewStyle
	s.Text = ns().Foreground(t.Text)
	s.Muted = ns().Foreground(t.Muted)
	s.Title = ns().Foreground(t.Accent).Bold(true)
	s.Header = ns().Foreground(t.Muted).Bold(true)
	s.Warning = ns().Foreground(t.Warning)
	s.Danger = ns().Foreground(t.Danger).Bold(true)
	s.Success = ns().Foreground(t.Success)
	s.Key = ns().Foreground(t.Accent).Bold(true)
	s.Label = ns().Foreground(t.Accent)
	s.Masked = ns().Foreground(t.Muted)
	s.Bar = ns().Foreground(t.BarFg).Background(t.BarBg)
	s.Badge = ns().Foreground(t.SelectedFg).Background(t.Badge).Bold(true)
	s.Dialog = ns().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(0, 1)
	s.Button = ns().Foreground(t.Muted).Padding(0, 1)
	s.ButtonOn = ns().Foreground(t.SelectedFg).Background(t.SelectedBg).Bold(true).Padding(0, 1)
	s.Selected = ns().Foreground(t.SelectedFg).Background(t.SelectedBg)
	s.DiffAdd = ns().Foreground(t.Success)
	s.DiffDel = ns().Foreground(t.Danger)
	if mono {
		// Without colour, meaning has to travel in attributes.
		s.Selected = ns().Reverse(true)
		s.ButtonOn = ns().Reverse(true).Bold(true).Padding(0, 1)
		s.Badge = ns().Reverse(true).Bold(true)
		s.Bar = ns()
		s.Muted = ns().Faint(true)
		s.Warning = ns().Bold(true)
		s.Danger = ns().Bold(true).Underline(true)
		s.DiffDel = ns().Bold(true)
	}
	return s, nil
}
