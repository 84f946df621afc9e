package clipboard

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Inside tmux an OSC 52 from a program is only as good as tmux's
// set-clipboard option: "external" (the default) drops it, "on" turns it
// into a paste buffer and passes it on to the outer terminal, "off" drops
// it. So the console asks tmux instead of guessing, puts the value in a
// named buffer it can read back (load-buffer; -w, tmux 3.2 and later, also
// sends it to the outer terminal's clipboard), and on clear deletes every
// buffer holding the value.

// MethodTmux is a tmux paste buffer, and the outer terminal's clipboard
// when tmux sent it on.
const MethodTmux Method = "tmux"

// tmuxBuffer is the name of the buffer the console loads.
const tmuxBuffer = "secretary"

// TmuxFix is what makes tmux pass a copy on to the workstation.
const TmuxFix = "tmux set -g set-clipboard on"

// TmuxRunner runs one tmux command with stdin and returns its output. The
// default runs the tmux on PATH, which finds the server through $TMUX.
type TmuxRunner func(stdin string, args ...string) (string, error)

// tmuxWait bounds one tmux command. A tmux server that does not answer
// (stopped, or wedged on a dead client) must not hold a copy, its clear or
// `secretary doctor` for ever; its commands answer in milliseconds.
const tmuxWait = 3 * time.Second

func runTmux(stdin string, args ...string) (string, error) {
	return runTmuxWithin(tmuxWait, stdin, args...)
}

func runTmuxWithin(wait time.Duration, stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tmux", args...)
	cmd.Stdin = strings.NewReader(stdin)
	// A child left holding tmux's output would keep Wait waiting.
	cmd.WaitDelay = time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("tmux %s: no answer within %s", args[0], wait)
		}
		return "", fmt.Errorf("tmux %s: %w: %s", args[0], err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// TmuxState is what tmux says about its clipboard handling.
type TmuxState struct {
	// Version is tmux's version as major*10+minor (3.3 is 33); 0 unknown.
	Version int
	// SetClipboard is the set-clipboard option: on, external or off.
	SetClipboard string
	// Passthrough is the allow-passthrough option being on.
	Passthrough bool
}

// forwards says tmux will send a buffer loaded with -w on to the outer
// terminal's clipboard.
func (s TmuxState) forwards() bool {
	return s.Version >= 32 && s.SetClipboard != "off"
}

// ProbeTmux asks the tmux server this process runs under for its state.
func ProbeTmux(run TmuxRunner) (TmuxState, error) {
	var s TmuxState
	v, err := run("", "-V")
	if err != nil {
		return s, err
	}
	s.Version = tmuxVersion(v)
	sc, err := run("", "show-options", "-gv", "set-clipboard")
	if err != nil {
		return s, err
	}
	s.SetClipboard = strings.TrimSpace(sc)
	// Older tmux has no allow-passthrough: an error means off.
	if p, err := run("", "show-options", "-gv", "allow-passthrough"); err == nil {
		s.Passthrough = strings.TrimSpace(p) == "on" || strings.TrimSpace(p) == "all"
	}
	return s, nil
}

// tmuxVersion reads "tmux 3.3a" (or "tmux next-3.4") as 33.
func tmuxVersion(v string) int {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "tmux "))
	v = strings.TrimPrefix(v, "next-")
	major, rest, _ := strings.Cut(v, ".")
	minor := strings.TrimRightFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil {
		return 0
	}
	return ma*10 + mi
}

// copyTmux puts text in the console's tmux buffer, reads it back, and says
// what reached where.
func copyTmux(run TmuxRunner, text string) (note string, err error) {
	st, err := ProbeTmux(run)
	if err != nil {
		return "", err
	}
	args := []string{"load-buffer", "-b", tmuxBuffer}
	if st.forwards() {
		args = append(args, "-w")
	}
	if _, err := run(text, append(args, "-")...); err != nil {
		return "", err
	}
	got, err := run("", "show-buffer", "-b", tmuxBuffer)
	if err != nil || got != text {
		return "", fmt.Errorf("tmux did not keep the copy in buffer %s", tmuxBuffer)
	}
	if st.forwards() {
		return "in tmux buffer " + tmuxBuffer + ", and sent on to your terminal's clipboard by tmux", nil
	}
	why := "tmux has set-clipboard " + st.SetClipboard
	if st.Version < 32 {
		why = "tmux before 3.2 cannot pass it on"
	}
	return "ONLY in tmux buffer " + tmuxBuffer + " (prefix ] pastes): " + why + ", your workstation clipboard was not reached; fix: " + TmuxFix, nil
}

// clearTmux deletes every tmux buffer holding text (the console's own, and
// any tmux made from an OSC 52) and, where tmux passed the copy on,
// replaces it on the outer terminal's clipboard. It returns how many
// buffers it deleted and whether the outer clipboard was overwritten.
func clearTmux(run TmuxRunner, text string) (deleted int, outer bool, err error) {
	names, err := run("", "list-buffers", "-F", "#{buffer_name}")
	if err != nil {
		return 0, false, err
	}
	for _, name := range strings.Fields(names) {
		got, err := run("", "show-buffer", "-b", name)
		if err != nil || got != text {
			continue
		}
		if _, err := run("", "delete-buffer", "-b", name); err != nil {
			return deleted, false, err
		}
		deleted++
	}
	st, err := ProbeTmux(run)
	if err != nil || !st.forwards() {
		return deleted, false, err
	}
	// An empty load is refused by tmux; one space through -w replaces the
	// value on the outer clipboard, and its buffer goes at once.
	if _, err := run(" ", "load-buffer", "-b", tmuxBuffer, "-w", "-"); err != nil {
		return deleted, false, err
	}
	if _, err := run("", "delete-buffer", "-b", tmuxBuffer); err != nil {
		return deleted, true, err
	}
	return deleted, true, nil
}
