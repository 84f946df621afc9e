package ui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// rotationStepMsg is one step event of the rotation run.
type rotationStepMsg struct {
	run uint64
	ev  backend.RotationProgress
}

// rotationEndMsg ends the rotation run.
type rotationEndMsg struct {
	run uint64
	out *backend.RotateSecretOutput
	err error
}

// progressBuffer holds the events the backend reports before the console
// reads them. A rotation reports at most two events for each of its four
// steps, so the backend's callback never waits on the console.
const progressBuffer = 32

// rotationProgressPage rotates a secret and shows the four steps live:
// pending, running (with a spinner), done ✓ or failed ✗. The rotation runs
// off the Update goroutine; its events arrive as messages read from a
// channel one at a time, in order. The chain of reads does not depend on
// this page: leaving it lets the rotation finish, and its end still
// reloads the pages showing the secret and clears the status bar's task.
type rotationProgressPage struct {
	c        *common
	keys     *rotationKeys
	name     string
	function string
	in       *backend.RotateSecretInput

	run     uint64
	taskID  uint64
	steps   []string
	phase   map[string]backend.RotationPhase
	stepErr map[string]error
	ended   bool
	out     *backend.RotateSecretOutput
	err     error
	failed  string // the step that failed, "" if none or unknown
	spinner spinner.Model

	width, height int
}

func newRotationProgress(c *common, name, function string, in *backend.RotateSecretInput) *rotationProgressPage {
	return &rotationProgressPage{
		c: c, keys: &c.keys.rotate, name: name, function: function, in: in,
		steps:   rotation.Steps(),
		phase:   map[string]backend.RotationPhase{},
		stepErr: map[string]error{},
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
}

func (p *rotationProgressPage) Init() tea.Cmd {
	pr, ok := p.c.backend.(backend.ProgressRotator)
	if !ok {
		return flash("this backend does not report rotation steps", true)
	}
	p.run = p.c.nextID()
	p.taskID = p.c.nextID()
	shown := line(p.name)
	p.c.tasks.running = append(p.c.tasks.running, task{id: p.taskID, text: "Rotating " + shown + "…", started: p.c.now()})
	ctx, in, run, taskID, name := p.c.ctx, p.in, p.run, p.taskID, p.name
	start := func() tea.Msg {
		ch := make(chan tea.Msg, progressBuffer)
		go func() {
			out, err := pr.RotateSecretProgress(ctx, in, func(ev backend.RotationProgress) {
				ch <- rotationStepMsg{run: run, ev: ev}
			})
			ch <- rotationEndMsg{run: run, out: out, err: err}
			close(ch)
		}()
		return readRotation(ch, taskID, name, shown)()
	}
	cmds := []tea.Cmd{start}
	if p.c.animate {
		cmds = append(cmds, p.spinner.Tick)
	}
	return tea.Batch(cmds...)
}

// readRotation reads the next event. Each event is delivered before the
// next read starts (tea.Sequence), so the steps arrive in order. The end
// also finishes the status bar's task and reloads the secret's pages: a
// failed rotation leaves an AWSPENDING version they must show.
func readRotation(ch <-chan tea.Msg, taskID uint64, name string, shown escaped.Text) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if end, isEnd := msg.(rotationEndMsg); isEnd {
			done := taskDoneMsg{id: taskID, done: shown + " rotated", err: end.err}
			return tea.BatchMsg{navigate(end), navigate(done), navigate(reloadMsg{name: name})}
		}
		return tea.Sequence(navigate(msg), readRotation(ch, taskID, name, shown))()
	}
}

func (p *rotationProgressPage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *rotationProgressPage) inputFocused() bool { return false }

func (p *rotationProgressPage) close() {}

func (p *rotationProgressPage) status() string {
	if !p.ended {
		return "rotating"
	}
	return ""
}

func (p *rotationProgressPage) help() keyHelp {
	k := p.keys
	back := p.c.keys.global.Back
	return keyHelp{short: []key.Binding{k.Versions, back}, full: [][]key.Binding{{k.Versions, back}}}
}

func (p *rotationProgressPage) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rotationStepMsg:
		if msg.run != p.run {
			return nil
		}
		// Phases only move forward: started, then finished or failed.
		if msg.ev.Phase > p.phase[msg.ev.Step] {
			p.phase[msg.ev.Step] = msg.ev.Phase
		}
		if msg.ev.Phase == backend.RotationFailed {
			p.failed, p.stepErr[msg.ev.Step] = msg.ev.Step, msg.ev.Err
		}
		return nil
	case rotationEndMsg:
		if msg.run != p.run {
			return nil
		}
		p.ended, p.out, p.err = true, msg.out, msg.err
		var se *rotation.StepError
		if errors.As(msg.err, &se) {
			p.failed = se.Step
			p.phase[se.Step] = backend.RotationFailed
		}
		if msg.err == nil && (p.in.RotateImmediately == nil || *p.in.RotateImmediately) {
			// A resumed rotation may skip steps an earlier run finished.
			for _, s := range p.steps {
				p.phase[s] = backend.RotationFinished
			}
		}
		return nil
	case spinner.TickMsg:
		if p.ended || !p.c.animate {
			return nil
		}
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return cmd
	case tea.KeyMsg:
		if key.Matches(msg, p.keys.Versions) {
			return navigate(openVersionsMsg{name: p.name})
		}
	}
	return nil
}

func (p *rotationProgressPage) View() string {
	st := p.c.styles
	w := p.width
	var out []string
	add := func(s string) { out = append(out, fit(s, w)) }
	wrap := func(s string) {
		for _, l := range strings.Split(p.c.renderer.NewStyle().Width(max(20, w-2)).Render(s), "\n") {
			add("  " + l)
		}
	}
	add(st.Title.Render(("Rotating " + line(p.name)).String()) + st.Muted.Render((" · " + line(p.function)).String()))
	add(st.Muted.Render(("new version " + line(p.in.ClientRequestToken)).String()))
	add("")
	for _, s := range p.steps {
		var mark, state string
		switch p.phase[s] {
		case backend.RotationStarted:
			if p.ended {
				mark, state = st.Muted.Render("·"), st.Muted.Render("stopped")
			} else {
				mark, state = p.spinner.View(), "running…"
			}
		case backend.RotationFinished:
			mark, state = st.Success.Render("✓"), "done"
		case backend.RotationFailed:
			mark, state = st.Danger.Render("✗"), st.Danger.Render("failed")
		default:
			mark, state = st.Muted.Render("·"), st.Muted.Render("pending")
			if p.ended && p.err != nil {
				state = st.Muted.Render("not run")
			}
		}
		add("  " + mark + " " + fit(s, 14) + state)
	}
	if !p.ended {
		return strings.Join(out, "\n")
	}
	add("")
	if p.err == nil {
		v := line(p.in.ClientRequestToken)
		if p.out != nil && p.out.VersionID != "" {
			v = line(p.out.VersionID)
		}
		add(st.Success.Render("✓ Rotated."))
		wrap(("Version " + v + " is AWSCURRENT; the one before it is AWSPREVIOUS.").String())
		add(st.Muted.Render("  v shows the version history · esc goes back"))
		return strings.Join(out, "\n")
	}
	step := p.failed
	if step == "" {
		add(st.Danger.Render("✗ The rotation did not start."))
	} else {
		add(st.Danger.Render("✗ Rotation failed at " + step + "."))
	}
	wrap(p.cause())
	if step != "" && step != rotation.StepCreate {
		wrap(("AWSCURRENT is unchanged. The new version " + line(p.in.ClientRequestToken) +
			" stays AWSPENDING and is listed in the version history (v); rotating again (o) retries it.").String())
	} else {
		wrap("AWSCURRENT is unchanged.")
	}
	return strings.Join(out, "\n")
}

// cause is the error to show: for a failed step its exception name and
// what the step said (the store's own message goes on to describe the
// state the secret is left in, which the panel says in its own words);
// otherwise the whole error, as AWS would report it.
func (p *rotationProgressPage) cause() string {
	var se *rotation.StepError
	if !errors.As(p.err, &se) || se.Err == nil {
		return errorText(p.err).String()
	}
	code := backend.Code(p.err)
	if code == "" {
		code = backend.Code(se.Err)
	}
	msg := backend.Message(se.Err)
	if code == "" {
		return line(msg).String()
	}
	return line(code + ": " + msg).String()
}
