package schedule

import (
	"strings"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The expressions come from AWS's "Rotation schedules" user guide and the
// RotationRulesType reference; the expected times follow the meaning the
// guide gives each one, counted from Friday 2024-03-15 10:30 UTC.
func TestNextDocumentedExpressions(t *testing.T) {
	last := utc("2024-03-15 10:30")
	cases := []struct {
		rules backend.RotationRules
		want  string
		about string
	}{
		{backend.RotationRules{AutomaticallyAfterDays: 30}, "2024-04-14 00:00", "30 days after the day of the last rotation, window at midnight"},
		{backend.RotationRules{ScheduleExpression: "rate(10 days)"}, "2024-03-25 00:00", "every 10 days, window starts at midnight"},
		{backend.RotationRules{ScheduleExpression: "rate(1 day)"}, "2024-03-16 00:00", "every day"},
		{backend.RotationRules{ScheduleExpression: "rate(4 hours)"}, "2024-03-15 14:00", "every four hours, on the hour"},
		{backend.RotationRules{ScheduleExpression: "rate(12 hours)"}, "2024-03-15 22:00", "every 12 hours"},
		{backend.RotationRules{ScheduleExpression: "cron(0 4/12 * * ? *)"}, "2024-03-15 16:00", "4:00 AM and 4:00 PM"},
		{backend.RotationRules{ScheduleExpression: "cron(0 8/8 * * ? *)"}, "2024-03-15 16:00", "every 8 hours from 8:00 AM"},
		{backend.RotationRules{ScheduleExpression: "cron(0 2/10 * * ? *)"}, "2024-03-15 12:00", "every 10 hours from 2:00 AM"},
		{backend.RotationRules{ScheduleExpression: "cron(0 16 L * ? *)"}, "2024-03-31 16:00", "last day of the month at 4:00 PM"},
		{backend.RotationRules{ScheduleExpression: "cron(0 0 ? * SUN#1 *)"}, "2024-04-07 00:00", "first Sunday of the month at midnight"},
		{backend.RotationRules{ScheduleExpression: "cron(0 8 1/7 * ? *)"}, "2024-03-22 08:00", "every 7 days from the 1st at 8:00 AM"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 ? * 6L *)"}, "2024-03-29 10:00", "last Friday of the month"},
		{backend.RotationRules{ScheduleExpression: "cron(0 0 ? * MON-FRI *)"}, "2024-03-18 00:00", "weekdays at midnight"},
		{backend.RotationRules{ScheduleExpression: "cron(0 9 15W * ? *)"}, "2024-04-15 09:00", "weekday nearest the 15th"},
		{backend.RotationRules{ScheduleExpression: "cron(0 9 LW * ? *)"}, "2024-03-29 09:00", "last weekday of the month (31 March 2024 is a Sunday)"},
		{backend.RotationRules{ScheduleExpression: "cron(0 16 ? 1/2 SAT#2 *)"}, "2024-05-11 16:00", "second Saturday of every other month"},
		{backend.RotationRules{ScheduleExpression: "cron(0 12 ? JAN,APR,JUL,OCT 2 *)"}, "2024-04-01 12:00", "Mondays of the first month of each quarter"},
		{backend.RotationRules{ScheduleExpression: "cron(0 23 ? * FRI-MON *)"}, "2024-03-15 23:00", "a week-day range that wraps"},
		{backend.RotationRules{ScheduleExpression: "cron(0 6 29 FEB ? *)"}, "2028-02-29 06:00", "29 February, four years on"},
	}
	for _, c := range cases {
		s, err := Parse(c.rules)
		if err != nil {
			t.Errorf("%+v (%s): %v", c.rules, c.about, err)
			continue
		}
		if got := s.Next(last); !got.Equal(utc(c.want)) {
			t.Errorf("%+v (%s): next = %s, want %s", c.rules, c.about, got.Format(time.RFC3339), c.want)
		}
	}
}

// The guide: "cron(0 4/12 * * ? *) means 4:00 AM, 4:00 PM, and then the next
// day 4:00 AM, 4:00 PM."
func TestCronHourIncrementsResetDaily(t *testing.T) {
	s, err := Parse(backend.RotationRules{ScheduleExpression: "cron(0 4/12 * * ? *)"})
	if err != nil {
		t.Fatal(err)
	}
	at := utc("2024-03-15 00:00")
	want := []string{"2024-03-15 04:00", "2024-03-15 16:00", "2024-03-16 04:00", "2024-03-16 16:00"}
	for _, w := range want {
		at = s.Next(at)
		if !at.Equal(utc(w)) {
			t.Fatalf("got %s, want %s", at, w)
		}
	}
}

func TestNextIsUTC(t *testing.T) {
	s, err := Parse(backend.RotationRules{ScheduleExpression: "rate(1 day)"})
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 in New York on 15 March is 03:30 UTC on the 16th.
	ny := time.FixedZone("EDT", -4*3600)
	got := s.Next(time.Date(2024, 3, 15, 23, 30, 0, 0, ny))
	if !got.Equal(utc("2024-03-17 00:00")) || got.Location() != time.UTC {
		t.Fatalf("next = %s", got)
	}
}

func TestWindows(t *testing.T) {
	cases := []struct {
		rules backend.RotationRules
		start string
		end   string
	}{
		{backend.RotationRules{ScheduleExpression: "rate(10 days)"}, "2024-03-25 00:00", "2024-03-26 00:00"},
		{backend.RotationRules{ScheduleExpression: "rate(10 days)", Duration: "3h"}, "2024-03-25 00:00", "2024-03-25 03:00"},
		{backend.RotationRules{ScheduleExpression: "rate(6 hours)"}, "2024-03-15 12:00", "2024-03-15 13:00"},
		{backend.RotationRules{ScheduleExpression: "rate(6 hours)", Duration: "6h"}, "2024-03-15 12:00", "2024-03-15 18:00"},
		{backend.RotationRules{ScheduleExpression: "cron(0 16 L * ? *)", Duration: "2h"}, "2024-03-31 16:00", "2024-03-31 18:00"},
		{backend.RotationRules{ScheduleExpression: "cron(0 16 L * ? *)"}, "2024-03-31 16:00", "2024-04-01 00:00"},
		{backend.RotationRules{ScheduleExpression: "cron(0 4/12 * * ? *)"}, "2024-03-15 16:00", "2024-03-15 17:00"},
	}
	for _, c := range cases {
		s, err := Parse(c.rules)
		if err != nil {
			t.Fatalf("%+v: %v", c.rules, err)
		}
		if got := s.WindowEnd(utc(c.start)); !got.Equal(utc(c.end)) {
			t.Errorf("%+v: window from %s ends %s, want %s", c.rules, c.start, got, c.end)
		}
	}
}

func TestDue(t *testing.T) {
	s, err := Parse(backend.RotationRules{AutomaticallyAfterDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	last := utc("2024-03-15 10:30")
	if s.Due(last, utc("2024-03-15 23:59")) {
		t.Error("due before the next window opened")
	}
	if !s.Due(last, utc("2024-03-16 00:00")) {
		t.Error("not due when the window opened")
	}
	if !s.Due(last, utc("2024-05-01 12:00")) {
		t.Error("a missed window must still be due")
	}
}

func TestInvalidRules(t *testing.T) {
	cases := []struct {
		rules backend.RotationRules
		msg   string // a part of the expected message
	}{
		{backend.RotationRules{}, "must specify AutomaticallyAfterDays or ScheduleExpression"},
		{backend.RotationRules{AutomaticallyAfterDays: -1}, "RotationRules.AutomaticallyAfterDays must be within 1-1000."},
		{backend.RotationRules{AutomaticallyAfterDays: 1001}, "RotationRules.AutomaticallyAfterDays must be within 1-1000."},
		{backend.RotationRules{AutomaticallyAfterDays: 7, ScheduleExpression: "rate(7 days)"}, "can't specify both"},
		{backend.RotationRules{ScheduleExpression: "every day"}, "use rate(Value Unit) or cron("},
		{backend.RotationRules{ScheduleExpression: "rate(3 hours)"}, "as often as every 4 hours"},
		{backend.RotationRules{ScheduleExpression: "rate(1 hour)"}, "as often as every 4 hours"},
		{backend.RotationRules{ScheduleExpression: "rate(0 days)"}, "positive integer"},
		{backend.RotationRules{ScheduleExpression: "rate(-2 days)"}, "positive integer"},
		{backend.RotationRules{ScheduleExpression: "rate(1001 days)"}, "at most 1000 days"},
		{backend.RotationRules{ScheduleExpression: "rate(30 minutes)"}, "unit must be hour, hours, day or days"},
		{backend.RotationRules{ScheduleExpression: "rate(days)"}, "rate(Value Unit)"},
		{backend.RotationRules{ScheduleExpression: "cron(15 10 * * ? *)"}, "minutes field must be 0"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 * * *)"}, "six fields"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 * * * *)"}, "use ? in one of them"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 ? * ? *)"}, "only one of"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 * * ? 2025)"}, "year field must be *"},
		{backend.RotationRules{ScheduleExpression: "cron(0 0/2 * * ? *)"}, "every 4 hours"},
		{backend.RotationRules{ScheduleExpression: "cron(0 22,1 * * ? *)"}, "every 4 hours"},
		{backend.RotationRules{ScheduleExpression: "cron(0 24 * * ? *)"}, "hours field: values run from 0 to 23"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 32 * ? *)"}, "day-of-month field"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 ? * SUN#6 *)"}, "DAY#N"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 ? FOO * *)"}, "month field"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 ? * MOX *)"}, "day-of-week field"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 L * L *)"}, "use ? in one of them"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 ? * 1/0 *)"}, "increment must be"},
		{backend.RotationRules{ScheduleExpression: "cron(0 10 10-5 * ? *)"}, "smaller value to the larger"},
		{backend.RotationRules{ScheduleExpression: "cron(0 0 31 2 ? *)"}, "no day matches"},
		{backend.RotationRules{ScheduleExpression: "cron(0 L * * ? *)"}, "not allowed in the hours field"},
		{backend.RotationRules{ScheduleExpression: "rate(1 day)", Duration: "25h"}, "between 1h and 24h"},
		{backend.RotationRules{ScheduleExpression: "rate(1 day)", Duration: "0h"}, "between 1h and 24h"},
		{backend.RotationRules{ScheduleExpression: "rate(1 day)", Duration: "3"}, "whole number of hours"},
		{backend.RotationRules{ScheduleExpression: "rate(1 day)", Duration: "90m"}, "whole number of hours"},
		{backend.RotationRules{ScheduleExpression: "rate(4 hours)", Duration: "5h"}, "must not extend into the next rotation window"},
		{backend.RotationRules{ScheduleExpression: "cron(0 4/12 * * ? *)", Duration: "13h"}, "must not extend into the next rotation window"},
		{backend.RotationRules{ScheduleExpression: "cron(0 22 * * ? *)", Duration: "3h"}, "next UTC day"},
		{backend.RotationRules{Duration: "2h"}, "needs a RotationRules.ScheduleExpression"},
		{backend.RotationRules{ScheduleExpression: "rate(" + strings.Repeat("1", 300) + " days)"}, "no longer than 256"},
	}
	for _, c := range cases {
		_, err := Parse(c.rules)
		if err == nil {
			t.Errorf("%+v: accepted", c.rules)
			continue
		}
		if backend.Code(err) != backend.CodeInvalidParameter {
			t.Errorf("%+v: code %q, want InvalidParameterException", c.rules, backend.Code(err))
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%+v: message %q does not contain %q", c.rules, err, c.msg)
		}
	}
}

func TestValidEdgeRules(t *testing.T) {
	ok := []backend.RotationRules{
		{AutomaticallyAfterDays: 1},
		{AutomaticallyAfterDays: 1000},
		{ScheduleExpression: "rate(4 hours)", Duration: "4h"},
		{ScheduleExpression: "rate(1000 days)"},
		{ScheduleExpression: "rate(1 day)", Duration: "24h"},
		{ScheduleExpression: "cron(0 20 * * ? *)", Duration: "4h"},
		{ScheduleExpression: "cron(0 0/4 * * ? *)"},
		{ScheduleExpression: "cron(0 1,5,9 ? * mon-fri *)"},
		{ScheduleExpression: " cron(0 10 ? * L *) "},
	}
	for _, r := range ok {
		if _, err := Parse(r); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

// BenchmarkNext measures computing a next rotation date, which rotate-due
// does for every secret with rotation on.
func BenchmarkNext(b *testing.B) {
	for _, expr := range []string{"rate(10 days)", "cron(0 16 L * ? *)", "cron(0 0 ? * SUN#1 *)", "cron(0 6 29 FEB ? *)"} {
		s, err := Parse(backend.RotationRules{ScheduleExpression: expr})
		if err != nil {
			b.Fatal(err)
		}
		at := utc("2024-03-15 10:30")
		b.Run(expr, func(b *testing.B) {
			for b.Loop() {
				s.Next(at)
			}
		})
	}
}
