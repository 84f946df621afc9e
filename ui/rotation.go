package ui

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/ui/escaped"
)

// Rotation in the console: the settings form (rotation_form.go), rotating
// now with the four steps shown live (rotation_progress.go), turning
// rotation off, and the rotation rows of the detail page. Every action
// works on the secret's metadata, so the list first describes the selected
// secret (rotationMetaMsg) and the detail page passes what it shows.

// awsRefreshDelay is how long after starting a Lambda rotation the pages
// showing the secret reload once more: AWS runs the Lambda asynchronously,
// so the new AWSPENDING version appears a little later.
const awsRefreshDelay = 5 * time.Second

// rotationMetaMsg carries a secret's metadata to the rotation action that
// asked for it; the root runs open on the Update goroutine.
type rotationMetaMsg struct {
	meta *backend.SecretMetadata
	err  error
	then func(c *common, m *backend.SecretMetadata) tea.Cmd
}

func (msg rotationMetaMsg) open(c *common) tea.Cmd {
	if msg.err != nil {
		return flashErr(msg.err)
	}
	return msg.then(c, msg.meta)
}

// withMeta describes name off the Update goroutine, then runs then with
// the answer (the list knows only the name of the selected secret).
func withMeta(c *common, name, what string, then func(*common, *backend.SecretMetadata) tea.Cmd) tea.Cmd {
	if cmd, ok := c.mutation(what); !ok {
		return cmd
	}
	ctx, b := c.ctx, c.backend
	return func() tea.Msg {
		m, err := b.DescribeSecret(ctx, name)
		return rotationMetaMsg{meta: m, err: err, then: then}
	}
}

// configureRotation opens the rotation settings form for m.
func configureRotation(c *common, m *backend.SecretMetadata) tea.Cmd {
	if cmd, ok := c.mutation("configuring rotation"); !ok {
		return cmd
	}
	if _, ok := c.backend.(backend.Rotator); !ok {
		return flash("this backend cannot rotate secrets", true)
	}
	if m.Deleted() {
		return flash(line(m.Name)+" is scheduled for deletion: u restores it before it can rotate", true)
	}
	return navigate(pushPageMsg{newRotationForm(c, m)})
}

// rotateNow asks, naming the secret and its function, then rotates: with
// the four steps shown live on a backend that runs them itself, or by
// starting the Lambda on AWS.
func rotateNow(c *common, m *backend.SecretMetadata) tea.Cmd {
	if cmd, ok := c.mutation("rotating"); !ok {
		return cmd
	}
	if _, ok := c.backend.(backend.Rotator); !ok {
		return flash("this backend cannot rotate secrets", true)
	}
	name, shown := m.Name, line(m.Name)
	if m.Deleted() {
		return flash(shown+" is scheduled for deletion: u restores it before it can rotate", true)
	}
	fn := m.RotationLambdaARN
	if fn == "" {
		return flash(shown+" has no rotation function yet: R sets one up", true)
	}
	// The token is the new version's id: chosen here, the panel can name
	// the version from the first step on.
	in := &backend.RotateSecretInput{SecretID: name, ClientRequestToken: uuid.NewString()}
	body := rotateNowBody(m, fn)
	if p := pendingVersion(m); p != "" {
		// The start rule refuses a new rotation while this one is
		// unfinished; retrying it with its own token continues it.
		in.ClientRequestToken = p
		body = append(body, "Version "+line(p)+" is still AWSPENDING from an unfinished rotation: this retries that rotation.")
	}
	d := newConfirm(c, "Rotate now", "Rotate", body, func(int) tea.Cmd {
		return startRotation(c, m, in)
	})
	d.danger = false
	return openDialog(d)
}

// rotateNowBody is what the rotate-now question says, from o and from the
// rotation form alike.
func rotateNowBody(m *backend.SecretMetadata, fn string) []escaped.Text {
	return []escaped.Text{
		"Rotate " + line(m.Name) + " now?",
		"Function: " + line(fn),
		"A new version is created as AWSPENDING, set, tested, and only then made AWSCURRENT; the current one becomes AWSPREVIOUS.",
	}
}

// startRotation runs in: on the progress panel when the backend reports
// the steps, otherwise as a task that starts the Lambda.
func startRotation(c *common, m *backend.SecretMetadata, in *backend.RotateSecretInput) tea.Cmd {
	fn := in.RotationLambdaARN
	if fn == "" {
		fn = m.RotationLambdaARN
	}
	if _, ok := c.backend.(backend.ProgressRotator); ok {
		return navigate(pushPageMsg{newRotationProgress(c, m.Name, fn, in)})
	}
	name, shown := m.Name, line(m.Name)
	later := c.tick(awsRefreshDelay, func(time.Time) tea.Msg { return reloadMsg{name: name} })
	return c.task("Starting the rotation of "+shown+"…", "Rotation started by Lambda "+line(fn)+"; versions refresh",
		func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
			if _, err := b.(backend.Rotator).RotateSecret(ctx, in); err != nil {
				return nil, err
			}
			return tea.BatchMsg{navigate(rotationSavedMsg{name: name}), navigate(reloadMsg{name: name}), later}, nil
		})
}

// cancelRotation turns automatic rotation off after a confirmation that
// defaults to No.
func cancelRotation(c *common, m *backend.SecretMetadata) tea.Cmd {
	if cmd, ok := c.mutation("turning rotation off"); !ok {
		return cmd
	}
	r, ok := c.backend.(backend.Rotator)
	if !ok {
		return flash("this backend cannot rotate secrets", true)
	}
	name, shown := m.Name, line(m.Name)
	if !m.RotationEnabled {
		return flash("rotation of "+shown+" is already off", false)
	}
	body := []escaped.Text{
		"Turn off automatic rotation of " + shown + "?",
		"No new versions are made on schedule; R turns rotation on again.",
	}
	if p := pendingVersion(m); p != "" {
		body = append(body, "Version "+line(p)+" stays AWSPENDING from an unfinished rotation until its label is removed in the version history.")
	}
	return openDialog(newConfirm(c, "Turn rotation off", "Turn off", body, func(int) tea.Cmd {
		return c.task("Turning rotation of "+shown+" off…", "rotation of "+shown+" turned off",
			func(ctx context.Context, _ backend.Backend) (tea.Msg, error) {
				_, err := r.CancelRotateSecret(ctx, name)
				return reloadMsg{name: name}, err
			})
	}))
}

// rotationSavedMsg says RotateSecret accepted new settings for name (or
// started a Lambda rotation): the form that sent them closes.
type rotationSavedMsg struct{ name string }

// pendingVersion returns the id of a version labelled AWSPENDING that is
// not AWSCURRENT: a rotation started and did not finish.
func pendingVersion(m *backend.SecretMetadata) string {
	for id, stages := range m.VersionIdsToStages {
		cur, pend := false, false
		for _, s := range stages {
			cur = cur || s == backend.StageCurrent
			pend = pend || s == backend.StagePending
		}
		if pend && !cur {
			return id
		}
	}
	return ""
}

// scheduleText describes rotation rules in words.
func scheduleText(r *backend.RotationRules) string {
	if r == nil {
		return ""
	}
	var s string
	switch {
	case r.AutomaticallyAfterDays == 1:
		s = "every day"
	case r.AutomaticallyAfterDays > 0:
		s = fmt.Sprintf("every %d days", r.AutomaticallyAfterDays)
	default:
		s = line(r.ScheduleExpression).String()
	}
	if r.Duration != "" {
		s += " · window " + line(r.Duration).String()
	}
	return s
}

// rotationRows are the detail page's rotation rows: state, function,
// schedule and next rotation. A secret that never had rotation gets one
// row, "off".
func rotationRows(now time.Time, m *backend.SecretMetadata) [][2]string {
	state := "off"
	if m.RotationEnabled {
		state = "on"
	}
	if p := pendingVersion(m); p != "" {
		state += (" · pending: version " + line(p) + " is AWSPENDING").String()
	}
	rows := [][2]string{{"Rotation", state}}
	if m.RotationLambdaARN != "" {
		rows = append(rows, [2]string{"Function", line(m.RotationLambdaARN).String()})
	}
	if s := scheduleText(m.RotationRules); s != "" {
		rows = append(rows, [2]string{"Schedule", s})
	}
	if m.RotationEnabled && !m.NextRotationDate.IsZero() {
		rows = append(rows, [2]string{"Next", inYear(now, m.NextRotationDate, "2006-01-02 15:04 UTC")})
	}
	return rows
}
