package ui

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/rotation"
	"github.com/secretary-sh/secretary/backend/rotation/schedule"
)

// The fields of the rotation form, in the order they are shown.
type rotField int

const (
	rfFunction    rotField = iota // a choice of RotationFunctions(), or a Lambda ARN typed in
	rfProgram                     // exec: the program's absolute path
	rfLength                      // password: length
	rfExclude                     // password: characters to leave out
	rfKeys                        // password: JSON keys to replace
	rfNoPunct                     // password: no punctuation
	rfSchedule                    // days, rate(…) or cron(…)
	rfWindow                      // Duration
	rfImmediately                 // RotateImmediately
	rfCount
)

func (f rotField) label() string {
	return [...]string{"Function", "Program", "Length", "Exclude", "JSON keys", "Punctuation", "Schedule", "Window", "Rotate now"}[f]
}

// rotationForm configures a secret's rotation: the function (with the
// password function's options), the schedule, the window and whether to
// rotate at once. The schedule is checked as it is typed, with the same
// rules and messages as the store and AWS, and the next three rotation
// times are shown in UTC and in local time.
type rotationForm struct {
	c    *common
	keys *rotationKeys
	meta *backend.SecretMetadata

	// functions are the backend's rotation functions; empty on AWS, where
	// the function is a Lambda ARN typed into inputs[rfFunction].
	functions []string
	fn        int
	inputs    [rfCount]textinput.Model
	noPunct   bool
	immediate bool
	focus     rotField

	// What the fields say now, recomputed after every change.
	sched     *schedule.Schedule
	schedErr  string
	fieldErr  string
	errField  rotField
	submitErr string

	// shape is what the current value looks like (never the value itself),
	// to check the function's options against it; shapeBusy while it is
	// read.
	shape     *valueShape
	shapeBusy bool

	width, height int
}

// valueShape is the form of a secret's current value: whether it is a JSON
// object, its top-level keys and its engine field.
type valueShape struct {
	json   bool
	keys   []string
	engine string
}

// rotationShapeMsg delivers the shape of the value the form rotates.
type rotationShapeMsg struct {
	form  *rotationForm
	shape *valueShape
}

// dbEngine reports the engine values of database credentials, whose password
// lives in the database as well as in the secret.
func dbEngine(engine string) bool {
	switch engine {
	case "postgres", "mysql", "mariadb":
		return true
	}
	return false
}

// readShape fetches the current value, keeps only its shape and wipes it.
func (f *rotationForm) readShape() tea.Cmd {
	ctx, b, name := f.c.ctx, f.c.backend, f.meta.Name
	return func() tea.Msg {
		v, err := b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: name})
		if err != nil {
			// No shape, no check: the store still refuses what it must.
			return rotationShapeMsg{form: f}
		}
		defer v.Wipe()
		sh := &valueShape{}
		if fields, ok := jsonFields(valueText(v)); ok && !v.IsBinary() {
			sh.json = true
			for _, fl := range fields {
				sh.keys = append(sh.keys, fl.key)
				if fl.key == "engine" {
					sh.engine = strings.ToLower(fl.value)
				}
			}
		}
		return rotationShapeMsg{form: f, shape: sh}
	}
}

// checkShape checks the password function's options against the value:
// a configuration that cannot work is refused before it is saved, not
// found out at the next rotation.
func (f *rotationForm) checkShape() (rotField, string) {
	sh := f.shape
	if sh == nil || f.chosen() != "password" {
		return 0, ""
	}
	keys := f.keyList()
	switch {
	case sh.json && len(keys) == 0:
		return rfKeys, ("The value is a JSON object (" + line(strings.Join(sh.keys, ", ")) + "): choose the keys to replace; the whole value would become one password.").String()
	case !sh.json && len(keys) > 0:
		return rfKeys, "The value is not a JSON object: leave JSON keys empty to replace the whole value."
	}
	for _, k := range keys {
		if indexOf(sh.keys, k) < 0 {
			return rfKeys, ("The value has no key " + line(k) + " (it has " + line(strings.Join(sh.keys, ", ")) + ").").String()
		}
	}
	return 0, ""
}

// shapeNote warns about a choice that saves and runs but may not do what
// the operator means: the password function on database credentials
// changes the stored copy only.
func (f *rotationForm) shapeNote() string {
	if sh := f.shape; sh != nil && f.chosen() == "password" && dbEngine(sh.engine) {
		return ("engine=" + line(sh.engine) + ": the password function changes only the stored copy, not the database user's password; a database rotator (exec: with a program that runs ALTER USER) changes both.").String()
	}
	return ""
}

// keyList is the JSON keys field as a list.
func (f *rotationForm) keyList() []string {
	var keys []string
	for k := range strings.SplitSeq(f.inputs[rfKeys].Value(), ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func newRotationForm(c *common, m *backend.SecretMetadata) *rotationForm {
	// Rotate now starts unticked: one ctrl+s must not replace a key that
	// someone else issued (a Stripe key, say) without asking.
	f := &rotationForm{c: c, keys: &c.keys.rotate, meta: m}
	if pr, ok := c.backend.(backend.ProgressRotator); ok {
		f.functions = pr.RotationFunctions()
	}
	for i := range f.inputs {
		ti := newInput()
		ti.Prompt = ""
		ti.CharLimit = 2048
		f.inputs[i] = ti
	}
	f.inputs[rfFunction].Placeholder = "(arn:aws:lambda:region:account:function:name)"
	f.inputs[rfProgram].Placeholder = "(absolute path)"
	f.inputs[rfLength].CharLimit = 4
	f.inputs[rfLength].SetValue(strconv.Itoa(backend.DefaultPasswordLength))
	f.inputs[rfExclude].Placeholder = "(none)"
	f.inputs[rfKeys].Placeholder = "(the whole value)"
	f.inputs[rfSchedule].Placeholder = "30"
	f.inputs[rfSchedule].CharLimit = schedule.MaxExpressionLen
	f.inputs[rfWindow].Placeholder = "(default)"
	f.inputs[rfWindow].CharLimit = 4
	f.prefill(m)
	f.recompute()
	_ = f.focusOn(rfFunction)
	return f
}

// prefill shows the secret's current settings, or sensible defaults.
func (f *rotationForm) prefill(m *backend.SecretMetadata) {
	f.inputs[rfSchedule].SetValue("30")
	if r := m.RotationRules; r != nil {
		switch {
		case r.AutomaticallyAfterDays > 0:
			f.inputs[rfSchedule].SetValue(strconv.Itoa(r.AutomaticallyAfterDays))
		case r.ScheduleExpression != "":
			f.inputs[rfSchedule].SetValue(r.ScheduleExpression)
		}
		f.inputs[rfWindow].SetValue(r.Duration)
	}
	arn := m.RotationLambdaARN
	if len(f.functions) == 0 {
		f.inputs[rfFunction].SetValue(arn)
		return
	}
	f.fn = max(0, indexOf(f.functions, "password"))
	if arn == "" {
		return
	}
	base, opts := arn, ""
	if i := strings.IndexAny(arn, ":?"); i >= 0 {
		base, opts = arn[:i], arn[i+1:]
	}
	i := indexOf(f.functions, base)
	if i < 0 {
		return
	}
	f.fn = i
	switch base {
	case "password":
		p, err := rotation.NewPassword(opts)
		if err != nil {
			return
		}
		if p.Options.PasswordLength != nil {
			f.inputs[rfLength].SetValue(strconv.Itoa(*p.Options.PasswordLength))
		}
		f.inputs[rfExclude].SetValue(p.Options.ExcludeCharacters)
		f.inputs[rfKeys].SetValue(strings.Join(p.Keys, ","))
		f.noPunct = p.Options.ExcludePunctuation
	case "exec":
		f.inputs[rfProgram].SetValue(opts)
	}
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// chosen is the selected function's base name ("" on AWS).
func (f *rotationForm) chosen() string {
	if len(f.functions) == 0 {
		return ""
	}
	return f.functions[f.fn]
}

// stops are the fields shown for the chosen function, in order.
func (f *rotationForm) stops() []rotField {
	out := []rotField{rfFunction}
	switch f.chosen() {
	case "password":
		out = append(out, rfLength, rfExclude, rfKeys, rfNoPunct)
	case "exec":
		out = append(out, rfProgram)
	}
	return append(out, rfSchedule, rfWindow, rfImmediately)
}

// function composes the RotationLambdaARN: the Lambda ARN on AWS, the
// function name with its options for the embedded store
// ("password?keys=password&length=40", "exec:/path").
func (f *rotationForm) function() string {
	switch name := f.chosen(); name {
	case "":
		return strings.TrimSpace(f.inputs[rfFunction].Value())
	case "password":
		q := url.Values{}
		if v := strings.TrimSpace(f.inputs[rfLength].Value()); v != "" {
			q.Set("length", v)
		}
		if v := f.inputs[rfExclude].Value(); v != "" {
			q.Set("exclude-characters", v)
		}
		if keys := f.keyList(); len(keys) > 0 {
			q.Set("keys", strings.Join(keys, ","))
		}
		if f.noPunct {
			q.Set("exclude-punctuation", "true")
		}
		if len(q) == 0 {
			return name
		}
		return name + "?" + q.Encode()
	case "exec":
		return name + ":" + strings.TrimSpace(f.inputs[rfProgram].Value())
	default:
		return name
	}
}

// rules reads the schedule and window: a bare number is
// AutomaticallyAfterDays, anything else a ScheduleExpression.
func (f *rotationForm) rules() backend.RotationRules {
	s := strings.TrimSpace(f.inputs[rfSchedule].Value())
	r := backend.RotationRules{Duration: strings.TrimSpace(f.inputs[rfWindow].Value())}
	if n, err := strconv.Atoi(s); err == nil && !strings.HasPrefix(s, "+") {
		if n == 0 {
			// Zero would read as "not set"; AWS's own range message
			// says more than "specify a schedule" would.
			n = -1
		}
		r.AutomaticallyAfterDays = n
	} else {
		r.ScheduleExpression = s
	}
	return r
}

// recompute validates every field, as the operator types.
func (f *rotationForm) recompute() {
	f.sched, f.schedErr = nil, ""
	s, err := schedule.Parse(f.rules())
	if err != nil {
		f.schedErr = errorText(err).String()
	} else {
		f.sched = s
	}
	f.errField, f.fieldErr = f.checkFunction()
	if f.fieldErr == "" {
		f.errField, f.fieldErr = f.checkShape()
	}
}

// checkFunction returns the first function field with a problem.
func (f *rotationForm) checkFunction() (rotField, string) {
	switch f.chosen() {
	case "":
		if f.function() == "" {
			return rfFunction, "Type the ARN of the rotation Lambda function."
		}
		if len(f.function()) > 2048 {
			return rfFunction, "RotationLambdaARN must be no longer than 2048 characters."
		}
	case "password":
		v := strings.TrimSpace(f.inputs[rfLength].Value())
		if n, err := strconv.Atoi(v); v != "" && (err != nil || n < backend.MinPasswordLength || n > backend.MaxPasswordLength) {
			return rfLength, fmt.Sprintf("The password length must be a number from %d to %d.", backend.MinPasswordLength, backend.MaxPasswordLength)
		}
		if _, err := rotation.NewPassword(strings.TrimPrefix(f.function(), "password?")); err != nil && f.function() != "password" {
			return rfKeys, ("The password options are not valid: " + line(err.Error()) + ".").String()
		}
	case "exec":
		p := strings.TrimSpace(f.inputs[rfProgram].Value())
		if p == "" || !filepath.IsAbs(p) {
			return rfProgram, "Type the absolute path of the rotation program."
		}
	}
	return 0, ""
}

func (f *rotationForm) Init() tea.Cmd {
	if indexOf(f.functions, "password") < 0 {
		return nil
	}
	f.shapeBusy = true
	return f.readShape()
}

func (f *rotationForm) SetSize(w, h int) { f.width, f.height = w, h }

// inputFocused: the form has text fields, so single letters are typing.
func (f *rotationForm) inputFocused() bool { return true }

func (f *rotationForm) close() {}

func (f *rotationForm) status() string { return "" }

func (f *rotationForm) help() keyHelp {
	k := f.keys
	short := []key.Binding{k.Next, k.Prev}
	switch {
	case f.focus == rfFunction && len(f.functions) > 0:
		short = append(short, k.Choose)
	case f.focus == rfNoPunct || f.focus == rfImmediately:
		short = append(short, k.Toggle)
	}
	short = append(short, k.Submit, k.Cancel)
	return keyHelp{short: short, full: [][]key.Binding{{k.Next, k.Prev, k.Choose, k.Toggle}, {k.Submit, k.Cancel}}}
}

func (f *rotationForm) focusOn(field rotField) tea.Cmd {
	f.focus = field
	var cmd tea.Cmd
	for i := range f.inputs {
		if rotField(i) == field {
			cmd = f.inputs[i].Focus()
		} else {
			f.inputs[i].Blur()
		}
	}
	return cmd
}

func (f *rotationForm) move(delta int) tea.Cmd {
	stops := f.stops()
	i := max(0, indexOf2(stops, f.focus))
	i = (i + delta + len(stops)) % len(stops)
	return f.focusOn(stops[i])
}

func indexOf2(fs []rotField, f rotField) int {
	for i, x := range fs {
		if x == f {
			return i
		}
	}
	return -1
}

// isText says the field is a text input (the others are a choice or a
// toggle).
func (f *rotationForm) isText(field rotField) bool {
	switch field {
	case rfNoPunct, rfImmediately:
		return false
	case rfFunction:
		return len(f.functions) == 0
	}
	return true
}

func (f *rotationForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case rotationSavedMsg:
		if msg.name == f.meta.Name {
			return navigate(backMsg{})
		}
		return nil
	case rotationShapeMsg:
		if msg.form != f {
			return nil
		}
		f.shapeBusy, f.shape = false, msg.shape
		if sh := f.shape; sh != nil && sh.json && f.meta.RotationLambdaARN == "" && f.inputs[rfKeys].Value() == "" && indexOf(sh.keys, "password") >= 0 {
			// The key that usually holds the password, proposed.
			f.inputs[rfKeys].SetValue("password")
		}
		f.recompute()
		return nil
	case tea.KeyMsg:
		return f.updateKey(msg)
	}
	return nil
}

func (f *rotationForm) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := f.keys
	switch {
	case key.Matches(msg, k.Cancel):
		return tea.Batch(navigate(backMsg{}), flash("rotation settings unchanged", false))
	case key.Matches(msg, k.Submit):
		return f.submit()
	case msg.Type == tea.KeyTab || msg.Type == tea.KeyDown:
		return f.move(1)
	case msg.Type == tea.KeyShiftTab || msg.Type == tea.KeyUp:
		return f.move(-1)
	case f.focus == rfFunction && len(f.functions) > 0 && key.Matches(msg, k.Choose):
		d := 1
		if msg.Type == tea.KeyLeft {
			d = -1
		}
		f.fn = (f.fn + d + len(f.functions)) % len(f.functions)
		f.submitErr = ""
		f.recompute()
		return nil
	case !f.isText(f.focus) && (key.Matches(msg, k.Toggle) || msg.Type == tea.KeyEnter):
		switch f.focus {
		case rfNoPunct:
			f.noPunct = !f.noPunct
		case rfImmediately:
			f.immediate = !f.immediate
		}
		f.recompute()
		return nil
	case msg.Type == tea.KeyEnter:
		return f.move(1)
	}
	if !f.isText(f.focus) {
		return nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	f.submitErr = ""
	f.recompute()
	return cmd
}

// submit sends RotateSecret, or says what is wrong and moves to the field.
func (f *rotationForm) submit() tea.Cmd {
	f.recompute()
	switch {
	case f.shapeBusy:
		f.submitErr = "Still reading the current value to check the settings against it; try again in a moment."
		return nil
	case f.fieldErr != "":
		f.submitErr = f.fieldErr
		return f.focusOn(f.errField)
	case f.schedErr != "":
		f.submitErr = f.schedErr
		return f.focusOn(rfSchedule)
	}
	c, m := f.c, f.meta
	rules := f.rules()
	immediately := f.immediate
	in := &backend.RotateSecretInput{
		SecretID:           m.Name,
		ClientRequestToken: uuid.NewString(),
		RotationLambdaARN:  f.function(),
		RotationRules:      &rules,
		RotateImmediately:  &immediately,
	}
	if immediately {
		// The same question o asks: a rotation replaces the value.
		d := newConfirm(c, "Rotate now", "Rotate", rotateNowBody(m, in.RotationLambdaARN), func(int) tea.Cmd {
			if _, ok := c.backend.(backend.ProgressRotator); ok {
				return tea.Sequence(navigate(backMsg{}), startRotation(c, m, in))
			}
			return startRotation(c, m, in)
		})
		d.danger = false
		return openDialog(d)
	}
	name, shown := m.Name, line(m.Name)
	return c.task("Saving the rotation settings of "+shown+"…", "rotation of "+shown+" set: "+line(scheduleText(&rules)),
		func(ctx context.Context, b backend.Backend) (tea.Msg, error) {
			r, ok := b.(backend.Rotator)
			if !ok {
				return nil, backend.Errorf(backend.CodeInvalidRequest, "this backend cannot rotate secrets")
			}
			if _, err := r.RotateSecret(ctx, in); err != nil {
				return nil, err
			}
			return tea.BatchMsg{navigate(rotationSavedMsg{name: name}), navigate(reloadMsg{name: name})}, nil
		})
}

// nextRotations are the next three rotation times the schedule gives:
// counted from now when the secret rotates at once, else from its last
// rotation (or now, for a secret that never rotated), as the store counts.
func (f *rotationForm) nextRotations() []time.Time {
	if f.sched == nil {
		return nil
	}
	from := f.c.now()
	if !f.immediate && !f.meta.LastRotatedDate.IsZero() {
		from = f.meta.LastRotatedDate
	}
	out := make([]time.Time, 0, 3)
	for t := from; len(out) < 3; {
		t = f.sched.Next(t)
		out = append(out, t)
	}
	return out
}

func (f *rotationForm) View() string {
	st := f.c.styles
	w := f.width
	var out []string
	add := func(s string) { out = append(out, fit(s, w)) }
	add(st.Title.Render(("Rotation of " + line(f.meta.Name)).String()) + st.Muted.Render(" · RotateSecret"))
	add("")
	label := func(field rotField) string {
		l := fmt.Sprintf("%-12s", field.label())
		if field == f.focus {
			return st.Key.Render("> " + l)
		}
		return st.Muted.Render("  " + l)
	}
	valueW := max(10, w-16)
	box := func(on bool, text string) string {
		if on {
			return "[x] " + text
		}
		return "[ ] " + text
	}
	for _, field := range f.stops() {
		var v string
		switch field {
		case rfFunction:
			if len(f.functions) == 0 {
				f.inputs[field].Width = valueW - 1
				v = f.inputs[field].View()
			} else {
				v = ("‹ " + line(f.chosen()) + " ›").String() + st.Muted.Render(fmt.Sprintf("  %d of %d", f.fn+1, len(f.functions)))
			}
		case rfNoPunct:
			v = box(f.noPunct, "leave punctuation out")
		case rfImmediately:
			v = box(f.immediate, "rotate immediately after saving")
		default:
			f.inputs[field].Width = valueW - 1
			v = f.inputs[field].View()
		}
		add(label(field) + " " + v)
	}
	add("")
	add(st.Muted.Render(f.hint()))
	switch {
	case f.submitErr != "":
		out = append(out, f.wrap(st.Danger.Render("✗ "+f.submitErr))...)
	case f.fieldErr != "":
		out = append(out, f.wrap(st.Warning.Render("! "+f.fieldErr))...)
	case f.schedErr != "":
		out = append(out, f.wrap(st.Warning.Render("! "+f.schedErr))...)
	default:
		add(st.Success.Render("✓ ") + "RotationLambdaARN " + line(f.function()).String())
		if n := f.shapeNote(); n != "" {
			out = append(out, f.wrap(st.Warning.Render("! "+n))...)
		}
	}
	if next := f.nextRotations(); len(next) > 0 {
		add("")
		now := f.c.now()
		loc := now.Location()
		// The zone's abbreviation, not the location's name: with TZ unset
		// that name is "Local". On a UTC machine (most servers) the
		// local column would repeat the UTC one.
		zone, off := now.Zone()
		showLocal := off != 0 || zone != "UTC"
		head := "  window opens (UTC)"
		if showLocal {
			head += " · local time " + zone
		}
		add(st.Header.Render("NEXT ROTATIONS") + st.Muted.Render(head))
		for i, t := range next {
			end := f.sched.WindowEnd(t)
			win := end.Format("15:04")
			if end.Sub(t) >= 24*time.Hour || (end.Hour() == 0 && end.Minute() == 0 && !end.Equal(t)) {
				win = "24:00"
			}
			row := fmt.Sprintf("  %d. %s–%s UTC", i+1, t.UTC().Format("Mon 2006-01-02 15:04"), win)
			if showLocal {
				row += "  " + st.Muted.Render("· "+t.In(loc).Format("Mon 2006-01-02 15:04 MST"))
			}
			add(row)
		}
	}
	return strings.Join(out, "\n")
}

// hint explains the focused field.
func (f *rotationForm) hint() string {
	switch f.focus {
	case rfFunction:
		if len(f.functions) == 0 {
			return "The Lambda function that rotates this secret (its ARN)."
		}
		return "The rotation function that runs the four steps; ←/→ chooses."
	case rfProgram:
		return "An executable allowed by --rotation-exec-dir; it gets one JSON request per step."
	case rfLength:
		return fmt.Sprintf("Password length, %d to %d characters.", backend.MinPasswordLength, backend.MaxPasswordLength)
	case rfExclude:
		return "Characters the new password must not contain, e.g. \"'\\ for shell-safe values."
	case rfKeys:
		return "Empty replaces the whole value; JSON keys (comma-separated) replace only those."
	case rfNoPunct:
		return "Letters and digits only."
	case rfSchedule:
		return "Days (1–1000), rate(12 hours), rate(7 days) or cron(0 4 ? * SUN *)."
	case rfWindow:
		return "Hours the rotation may start within, 1h–24h; empty for the default."
	case rfImmediately:
		return "Rotate once now, then on schedule; off: only testSecret runs now."
	}
	return ""
}

// wrap breaks a styled message into lines of the page's width.
func (f *rotationForm) wrap(s string) []string {
	return strings.Split(f.c.renderer.NewStyle().Width(max(20, f.width)).Render(s), "\n")
}
