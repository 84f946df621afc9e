package ui

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/secretary-sh/secretary/theme"
	"github.com/secretary-sh/secretary/ui/clipboard"
)

// darkBackground reads COLORFGBG ("fg;bg" or "fg;x;bg", ANSI colour
// numbers): backgrounds 7 and 9–15 are light.
func darkBackground(colorfgbg string) bool {
	parts := strings.Split(colorfgbg, ";")
	bg, err := strconv.Atoi(parts[len(parts)-1])
	if colorfgbg == "" || err != nil {
		return true
	}
	return !(bg == 7 || (bg >= 9 && bg <= 15))
}

// Run starts the console and blocks until the operator quits. It draws on
// the alternate screen so values never reach the terminal's scrollback.
// Every backend belongs to the caller, also those its Init and Unlock
// return: the caller made them and closes them.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Backend == nil && ((cfg.NeedsInit && cfg.Init == nil) || (!cfg.NeedsInit && cfg.Unlock == nil)) {
		return fmt.Errorf("console: no backend and no way to create or unlock one")
	}
	r := lipgloss.NewRenderer(os.Stdout)
	// Asking the terminal for its background colour (OSC 11) can stall
	// for seconds where nobody answers (some multiplexers, slow links),
	// and the first frame must not wait: take COLORFGBG's word when the
	// terminal sets it, else assume dark (--theme light is there).
	dark := darkBackground(os.Getenv("COLORFGBG"))
	r.SetHasDarkBackground(dark)
	// Components that draw with Lip Gloss's default renderer (the text
	// editor's line numbers and cursor line) pick light or dark colours
	// by it: the same answer, never a query (see ui/termquiet), and the
	// operator's --theme first.
	switch cfg.Theme {
	case theme.Light:
		dark = false
	case theme.Dark:
		dark = true
	}
	lipgloss.SetHasDarkBackground(dark)
	if os.Getenv("NO_COLOR") != "" {
		// NO_COLOR asks for no colour, not for no attributes: keep bold
		// and reverse video (termenv would drop them) and draw in mono.
		cfg.Theme = theme.Mono
		r.SetColorProfile(termenv.ANSI)
	}
	st, err := theme.New(r, cfg.Theme)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	clip := clipboard.New(clipboard.WithTimeout(cfg.ClipboardClear))
	// The first frame shows the first page of secrets, not an empty list
	// that says "loading": an embedded store reads it in milliseconds.
	seed := fetchFirstPage(ctx, cfg.Backend)
	mopts := options{clip: clip, animate: true, seed: seed}
	if os.Getenv("GOMEMLIMIT") == "" {
		mopts.limitMemory = debug.SetMemoryLimit
	}
	m := newModel(ctx, &cfg, r, st, mopts)
	// 120 frames a second, Bubble Tea's most: a frame waits for the
	// renderer's next tick, and at the default 60 that alone could eat a
	// whole 16 ms keystroke budget.
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx), tea.WithOutput(os.Stdout), tea.WithFPS(120)}
	if !cfg.NoMouse {
		// Cell motion reports the wheel and clicks, not every move: no
		// traffic while the pointer only passes over. The terminal's own
		// selection then needs shift (most terminals) or --no-mouse.
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(m, opts...)
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}
