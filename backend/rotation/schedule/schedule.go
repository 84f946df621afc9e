// Package schedule parses and validates Secrets Manager rotation rules
// (AutomaticallyAfterDays, rate() and cron() expressions, the Duration
// window) and computes when a secret's next rotation window opens.
//
// Every time is UTC, as in Secrets Manager. Validation failures are
// *backend.Error values with code InvalidParameterException. The message for
// AutomaticallyAfterDays is the one AWS returns; the others follow AWS's
// wording where it is documented and are otherwise our own, naming the field
// and the rule broken (AWS does not publish its messages for these cases).
package schedule

import (
	"strconv"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Limits from the Secrets Manager API model and the rotation user guide.
const (
	MinDays = 1
	MaxDays = 1000
	// MinHours is the shortest interval between rotations.
	MinHours = 4
	// MaxWindowHours is the longest Duration.
	MaxWindowHours = 24
	// MaxExpressionLen is ScheduleExpression's maximum length.
	MaxExpressionLen = 256
)

// Kind tells how the schedule was written.
type Kind int

// Kinds of schedule.
const (
	KindDays Kind = iota + 1 // AutomaticallyAfterDays
	KindRate                 // rate(N hours|days)
	KindCron                 // cron(...)
)

// Schedule is a validated set of rotation rules.
type Schedule struct {
	rules  backend.RotationRules
	kind   Kind
	every  time.Duration // KindDays and KindRate
	hourly bool          // the interval is counted in hours, not days
	cron   *cronExpr
	window time.Duration // 0: the default window
}

func invalid(format string, args ...any) error {
	return backend.Errorf(backend.CodeInvalidParameter, format, args...)
}

// Parse validates rules and returns the schedule they describe.
func Parse(rules backend.RotationRules) (*Schedule, error) {
	s := &Schedule{rules: rules}
	expr := strings.TrimSpace(rules.ScheduleExpression)
	switch {
	case rules.AutomaticallyAfterDays != 0 && expr != "":
		return nil, invalid("You can't specify both RotationRules.AutomaticallyAfterDays and RotationRules.ScheduleExpression.")
	case rules.AutomaticallyAfterDays != 0:
		if rules.AutomaticallyAfterDays < MinDays || rules.AutomaticallyAfterDays > MaxDays {
			return nil, invalid("RotationRules.AutomaticallyAfterDays must be within 1-1000.")
		}
		s.kind = KindDays
		s.every = time.Duration(rules.AutomaticallyAfterDays) * 24 * time.Hour
	case expr != "":
		if len(rules.ScheduleExpression) > MaxExpressionLen {
			return nil, invalid("RotationRules.ScheduleExpression must be no longer than %d characters.", MaxExpressionLen)
		}
		var err error
		switch {
		case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
			err = s.parseRate(expr[len("rate(") : len(expr)-1])
		case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
			s.kind = KindCron
			s.cron, err = parseCron(expr[len("cron(") : len(expr)-1])
			if err == nil {
				s.hourly = len(s.cron.hours) > 1
			}
		default:
			err = invalid("RotationRules.ScheduleExpression %q is not valid: use rate(Value Unit) or cron(Minutes Hours Day-of-month Month Day-of-week Year).", expr)
		}
		if err != nil {
			return nil, err
		}
	default:
		if rules.Duration != "" {
			return nil, invalid("RotationRules.Duration needs a RotationRules.ScheduleExpression or RotationRules.AutomaticallyAfterDays.")
		}
		return nil, invalid("RotationRules must specify AutomaticallyAfterDays or ScheduleExpression.")
	}
	if err := s.parseWindow(rules.Duration); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Schedule) parseRate(body string) error {
	f := strings.Fields(body)
	if len(f) != 2 {
		return invalid("RotationRules.ScheduleExpression rate(%s) is not valid: use rate(Value Unit) where Unit is hour, hours, day or days.", body)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || f[0][0] == '+' {
		return invalid("RotationRules.ScheduleExpression rate(%s) is not valid: the value must be a positive integer.", body)
	}
	s.kind = KindRate
	switch f[1] {
	case "hour", "hours":
		if n < MinHours {
			return invalid("RotationRules.ScheduleExpression rate(%s) is not valid: you can rotate a secret as often as every %d hours, no more often.", body, MinHours)
		}
		if n > MaxDays*24 {
			return invalid("RotationRules.ScheduleExpression rate(%s) is not valid: the interval must be at most %d days.", body, MaxDays)
		}
		s.hourly = true
		s.every = time.Duration(n) * time.Hour
	case "day", "days":
		if n > MaxDays {
			return invalid("RotationRules.ScheduleExpression rate(%s) is not valid: the interval must be at most %d days.", body, MaxDays)
		}
		s.every = time.Duration(n) * 24 * time.Hour
	default:
		return invalid("RotationRules.ScheduleExpression rate(%s) is not valid: the unit must be hour, hours, day or days.", body)
	}
	return nil
}

// parseWindow checks Duration ("3h"): 1–24 hours, within the UTC day the
// window opens on and shorter than the gap to the next window.
func (s *Schedule) parseWindow(d string) error {
	if d == "" {
		return nil
	}
	if len(d) < 2 || !strings.HasSuffix(d, "h") {
		return invalid("RotationRules.Duration %q is not valid: use a whole number of hours such as 3h.", d)
	}
	n, err := strconv.Atoi(d[:len(d)-1])
	if err != nil || n < 1 || n > MaxWindowHours || d[0] == '+' || d[0] == '-' {
		return invalid("RotationRules.Duration %q is not valid: the window must be between 1h and %dh.", d, MaxWindowHours)
	}
	w := time.Duration(n) * time.Hour
	switch {
	case s.hourly && s.kind == KindRate:
		if w > s.every {
			return invalid("RotationRules.Duration %s is longer than the %d hours between rotations: the rotation window must not extend into the next rotation window.", d, int(s.every/time.Hour))
		}
	case s.hourly:
		if gap := s.cron.minHourGap(); w > time.Duration(gap)*time.Hour {
			return invalid("RotationRules.Duration %s is longer than the %d hours between rotations: the rotation window must not extend into the next rotation window.", d, gap)
		}
	default:
		start := 0
		if s.kind == KindCron {
			start = s.cron.hours[0]
		}
		if start+n > 24 {
			return invalid("RotationRules.Duration %s with a window opening at %02d:00 would extend into the next UTC day: the start hour plus the window duration must be 24 hours or less.", d, start)
		}
	}
	s.window = w
	return nil
}

// Kind reports how the schedule was written.
func (s *Schedule) Kind() Kind { return s.kind }

// Rules returns the rules the schedule was parsed from.
func (s *Schedule) Rules() backend.RotationRules { return s.rules }

// Hourly reports whether the schedule is counted in hours (its default window
// is one hour) rather than days (its default window is the rest of the day).
func (s *Schedule) Hourly() bool { return s.hourly }

// Next returns when the first rotation window after last opens. last is the
// previous rotation, or when rotation was turned on. rate() and
// AutomaticallyAfterDays count from last: a daily interval opens its window
// at midnight UTC of the day it falls on, an hourly one on the hour. cron()
// returns its first matching time strictly after last.
func (s *Schedule) Next(last time.Time) time.Time {
	last = last.UTC()
	switch s.kind {
	case KindCron:
		return s.cron.next(last)
	default:
		if s.hourly {
			return last.Truncate(time.Hour).Add(s.every)
		}
		d := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, int(s.every/(24*time.Hour)))
	}
}

// WindowEnd returns when the window opening at start closes: start plus
// Duration, or by default one hour later for hourly schedules and at the end
// of the UTC day for daily ones.
func (s *Schedule) WindowEnd(start time.Time) time.Time {
	start = start.UTC()
	if s.window > 0 {
		return start.Add(s.window)
	}
	if s.hourly {
		return start.Add(time.Hour)
	}
	return time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
}

// Due reports whether a secret last rotated at last should rotate at now. A
// window missed entirely (the machine was off) is still due: rotating late
// is safer than skipping a rotation.
func (s *Schedule) Due(last, now time.Time) bool {
	return !now.Before(s.Next(last))
}

// Decide tells a scheduler running at now what to do with a secret whose
// rotation window opens at next. Before next nothing is due. Inside the
// window the rotation is due. When an explicit Duration window was missed
// entirely (the scheduler did not run during it), the operator asked for
// rotations to happen only inside such windows, so the rotation waits for the
// next one: due is false and open is when that window opens (or, when now
// already falls inside a later window, due is true). Without a Duration a
// missed window is still due, as Due says: rotating late is safer than
// skipping a rotation.
func (s *Schedule) Decide(next, now time.Time) (due bool, open time.Time) {
	next, now = next.UTC(), now.UTC()
	if now.Before(next) {
		return false, next
	}
	if s.window == 0 || now.Before(s.WindowEnd(next)) {
		return true, next
	}
	if s.kind == KindCron {
		// Every cron match opens a window; the one holding now, if any,
		// opened less than a window's length ago.
		open = s.cron.next(now.Add(-s.window))
	} else {
		// An hourly rate() waits for the next window of its series; a
		// daily schedule for the next midnight (waiting a whole interval
		// of, say, 30 days would be worse than rotating a day late).
		step := 24 * time.Hour
		if s.hourly {
			step = s.every
		}
		k := now.Sub(next.Add(s.window))/step + 1
		open = next.Add(k * step)
	}
	return !now.Before(open), open
}
