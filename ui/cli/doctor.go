package cli

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/secretary-sh/secretary/ui/clipboard"
	"github.com/secretary-sh/secretary/ui/escaped"
)

func doctorCommand() *command {
	return &command{name: "doctor",
		summary: "Say how the console sees this terminal: TERM, tmux or screen, the clipboard path and whether a copy can be confirmed, NO_COLOR, size, configuration file.",
		details: `Nothing is copied and no store is opened. Inside tmux, tmux is asked for
its version and its set-clipboard and allow-passthrough options, as the
console asks before every copy. The clipboard line is the decision the
console makes; "confirmed" says whether the console can know a copy
arrived (the system clipboard and a tmux buffer are read back; a terminal
does not answer OSC 52). Exits 0 whatever it finds.`,
		run: runDoctor}
}

func runDoctor(_ context.Context, a *app, _ *args) error {
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		// Environment values are whatever the shell holds: shown, never
		// obeyed.
		fmt.Fprintf(tw, "%s\t%s\n", k, escaped.Line(v).String())
	}
	orNotSet := func(v string) string {
		if v == "" {
			return "(not set)"
		}
		return v
	}
	row("TERM", orNotSet(os.Getenv("TERM")))
	if ct := os.Getenv("COLORTERM"); ct != "" {
		row("COLORTERM", ct)
	}
	rep := clipboard.New(clipboard.WithTimeout(a.cfg.Clipboard)).Describe()
	switch {
	case rep.Route.Tmux && rep.TmuxErr != nil:
		row("multiplexer", "tmux (TMUX is set), but tmux could not be asked: "+rep.TmuxErr.Error())
	case rep.Route.Tmux:
		pass := "off"
		if rep.Tmux.Passthrough {
			pass = "on"
		}
		v := "unknown version"
		if rep.Tmux.Version > 0 {
			v = fmt.Sprintf("%d.%d", rep.Tmux.Version/10, rep.Tmux.Version%10)
		}
		row("multiplexer", fmt.Sprintf("tmux %s · set-clipboard %s · allow-passthrough %s", v, rep.Tmux.SetClipboard, pass))
	case rep.Route.Screen:
		row("multiplexer", "GNU screen (STY is set)")
	default:
		row("multiplexer", "none")
	}
	if rep.Route.Remote {
		row("session", "over SSH")
	} else {
		row("session", "local")
	}
	row("clipboard", rep.Path)
	row("confirmed", rep.Confirmed)
	row("clipboard clear", a.cfg.Clipboard.String())
	if v, ok := os.LookupEnv("NO_COLOR"); ok && v != "" {
		row("NO_COLOR", "set: the console draws without colour")
	} else {
		row("NO_COLOR", "not set")
	}
	row("terminal size", terminalSize(a))
	path, err := configPath()
	switch {
	case err != nil:
		row("config file", "none: "+err.Error())
	case fileExists(path):
		row("config file", path)
	default:
		row("config file", path+" (not there; defaults apply)")
	}
	if a.context != "" {
		row("context", a.context)
	}
	if a.cfg.NoMouse {
		row("mouse", "off (--no-mouse)")
	} else {
		row("mouse", "on: wheel and click (--no-mouse leaves it to the terminal)")
	}
	return tw.Flush()
}

// terminalSize is the size of the terminal on stdout, else stdin, else of
// the controlling terminal.
func terminalSize(a *app) string {
	for _, s := range []any{a.stdout, a.stdin} {
		if f, ok := s.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if w, h, err := term.GetSize(int(f.Fd())); err == nil {
				return fmt.Sprintf("%d×%d", w, h)
			}
		}
	}
	if tty, err := os.Open("/dev/tty"); err == nil {
		defer tty.Close()
		if w, h, err := term.GetSize(int(tty.Fd())); err == nil {
			return fmt.Sprintf("%d×%d (the controlling terminal; output is not a terminal)", w, h)
		}
	}
	return "not a terminal"
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
