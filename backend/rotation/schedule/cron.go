package schedule

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// cronExpr is a parsed cron(Minutes Hours Day-of-month Month Day-of-week
// Year) expression in the dialect Secrets Manager accepts: minutes must be 0
// (windows open on the hour), the year must be *, and exactly one of the two
// day fields is ?.
type cronExpr struct {
	src    string
	hours  []int // sorted, distinct
	months [13]bool

	domAny     bool
	dom        [32]bool
	domLast    bool // L
	domLastWkd bool // LW
	domNearWkd int  // nW: the weekday nearest day n

	dowAny  bool
	dow     [8]bool // 1 = Sunday … 7 = Saturday
	dowLast int     // nL: the last weekday n of the month
	dowNth  int     // n#k: weekday n …
	dowK    int     // … the k-th in the month
}

var monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
var dayNames = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

func cronErr(src, format string, args ...any) error {
	return invalid("RotationRules.ScheduleExpression cron(%s) is not valid: "+format, append([]any{src}, args...)...)
}

func parseCron(src string) (*cronExpr, error) {
	f := strings.Fields(src)
	if len(f) != 6 {
		return nil, cronErr(src, "a cron expression has six fields: Minutes Hours Day-of-month Month Day-of-week Year.")
	}
	c := &cronExpr{src: src}
	if f[0] != "0" {
		return nil, cronErr(src, "the minutes field must be 0 because rotation windows open on the hour.")
	}
	var hours [24]bool
	if err := parseList(src, "hours", f[1], 0, 23, nil, hours[:]); err != nil {
		return nil, err
	}
	for h, ok := range hours {
		if ok {
			c.hours = append(c.hours, h)
		}
	}
	if err := parseList(src, "month", f[3], 1, 12, monthNames, c.months[:]); err != nil {
		return nil, err
	}
	if f[5] != "*" {
		return nil, cronErr(src, "the year field must be * because rotation schedules cannot be more than a year apart.")
	}
	domQ, dowQ := f[2] == "?", f[4] == "?"
	switch {
	case domQ && dowQ:
		return nil, cronErr(src, "only one of the day-of-month and day-of-week fields can be ?.")
	case !domQ && !dowQ:
		return nil, cronErr(src, "you can't specify both the day-of-month and the day-of-week fields: use ? in one of them.")
	}
	if domQ {
		c.domAny = true
		if err := c.parseDow(f[4]); err != nil {
			return nil, err
		}
	} else {
		c.dowAny = true
		if err := c.parseDom(f[2]); err != nil {
			return nil, err
		}
	}
	if gap := c.minHourGap(); gap < MinHours {
		return nil, cronErr(src, "you can rotate a secret as often as every %d hours, and this schedule opens windows %d hours apart.", MinHours, gap)
	}
	if !c.canMatch() {
		return nil, cronErr(src, "no day matches it.")
	}
	return c, nil
}

func (c *cronExpr) parseDom(v string) error {
	switch {
	case v == "L":
		c.domLast = true
		return nil
	case v == "LW":
		c.domLastWkd = true
		return nil
	case strings.HasSuffix(v, "W"):
		n, err := strconv.Atoi(strings.TrimSuffix(v, "W"))
		if err != nil || n < 1 || n > 31 {
			return cronErr(c.src, "%q in the day-of-month field: W follows a day from 1 to 31.", v)
		}
		c.domNearWkd = n
		return nil
	}
	return parseList(c.src, "day-of-month", v, 1, 31, nil, c.dom[:])
}

func (c *cronExpr) parseDow(v string) error {
	switch {
	case v == "L":
		c.dow[7] = true
		return nil
	case strings.Contains(v, "#"):
		day, k, _ := strings.Cut(v, "#")
		n, ok := lookup(day, 1, 7, dayNames)
		kk, err := strconv.Atoi(k)
		if !ok || err != nil || kk < 1 || kk > 5 {
			return cronErr(c.src, "%q in the day-of-week field: use DAY#N with a day from 1–7 or SUN–SAT and N from 1 to 5.", v)
		}
		c.dowNth, c.dowK = n, kk
		return nil
	case len(v) > 1 && strings.HasSuffix(v, "L"):
		n, ok := lookup(strings.TrimSuffix(v, "L"), 1, 7, dayNames)
		if !ok {
			return cronErr(c.src, "%q in the day-of-week field: L follows a day from 1–7 or SUN–SAT.", v)
		}
		c.dowLast = n
		return nil
	}
	return parseList(c.src, "day-of-week", v, 1, 7, dayNames, c.dow[:])
}

// lookup reads a number in [lo, hi] or one of names (names[0] is lo).
func lookup(s string, lo, hi int, names []string) (int, bool) {
	if i := slices.Index(names, strings.ToUpper(s)); i >= 0 {
		return lo + i, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	return n, true
}

// parseList reads a comma-separated list of *, values, ranges (a-b, which
// may wrap for months and days of the week) and increments (*/n, a/n, a-b/n)
// into set, indexed by value.
func parseList(src, field, v string, lo, hi int, names []string, set []bool) error {
	if v == "" {
		return cronErr(src, "the %s field is empty.", field)
	}
	for item := range strings.SplitSeq(v, ",") {
		rng, stepS, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 || n > hi {
				return cronErr(src, "%q in the %s field: the increment must be a number from 1 to %d.", item, field, hi)
			}
			step = n
		}
		var from, to int
		switch {
		case rng == "*":
			from, to = lo, hi
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var okA, okB bool
			from, okA = lookup(a, lo, hi, names)
			to, okB = lookup(b, lo, hi, names)
			if !okA || !okB {
				return cronErr(src, "%q in the %s field: values run from %d to %d.", item, field, lo, hi)
			}
			if to < from && names == nil {
				return cronErr(src, "%q in the %s field: a range runs from the smaller value to the larger.", item, field)
			}
		default:
			var ok bool
			from, ok = lookup(rng, lo, hi, names)
			if !ok {
				if rng == "?" || rng == "L" || strings.ContainsAny(rng, "#W") {
					return cronErr(src, "%q is not allowed in the %s field.", item, field)
				}
				return cronErr(src, "%q in the %s field: values run from %d to %d.", item, field, lo, hi)
			}
			to = from
			if hasStep {
				to = hi
			}
		}
		span := hi - lo + 1
		for i := 0; ; i += step {
			n := from + i
			if to < from { // wrapping range such as FRI-MON
				if i > (to+span)-from {
					break
				}
				n = lo + (n-lo)%span
			} else if n > to {
				break
			}
			set[n] = true
		}
	}
	return nil
}

// minHourGap is the smallest number of hours between two windows opened by
// the hours field, counting the gap across midnight, since hour increments
// reset each day.
func (c *cronExpr) minHourGap() int {
	if len(c.hours) < 2 {
		return 24
	}
	gap := 24 - c.hours[len(c.hours)-1] + c.hours[0]
	for i := 1; i < len(c.hours); i++ {
		gap = min(gap, c.hours[i]-c.hours[i-1])
	}
	return gap
}

// canMatch reports whether some day in a four-year cycle matches (rejecting,
// for example, cron(0 0 31 FEB ? *)).
func (c *cronExpr) canMatch() bool {
	d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 4*366+1; i++ {
		if c.matchDay(d.AddDate(0, 0, i)) {
			return true
		}
	}
	return false
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// nearestWeekday returns the weekday (Mon–Fri) nearest to day n of the
// month, never leaving the month, as cron's W does.
func nearestWeekday(y int, m time.Month, n int) int {
	last := daysIn(y, m)
	n = min(n, last)
	switch time.Date(y, m, n, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}

func (c *cronExpr) matchDay(d time.Time) bool {
	y, m, day := d.Date()
	if !c.months[m] {
		return false
	}
	if !c.domAny {
		switch {
		case c.domLast:
			return day == daysIn(y, m)
		case c.domLastWkd:
			return day == nearestWeekday(y, m, daysIn(y, m))
		case c.domNearWkd > 0:
			return day == nearestWeekday(y, m, c.domNearWkd)
		}
		return c.dom[day]
	}
	wd := int(d.Weekday()) + 1
	switch {
	case c.dowLast > 0:
		return wd == c.dowLast && day+7 > daysIn(y, m)
	case c.dowNth > 0:
		return wd == c.dowNth && (day-1)/7+1 == c.dowK
	}
	return c.dow[wd]
}

// next returns the first window start strictly after t.
func (c *cronExpr) next(t time.Time) time.Time {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	// Eight years covers every pattern that can match at all (29 February
	// on a weekday-specific rule is the rarest).
	end := day.AddDate(8, 0, 1)
	for d := day; d.Before(end); d = d.AddDate(0, 0, 1) {
		if !c.months[d.Month()] {
			// Skip the rest of a month that cannot match.
			d = time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC)
			continue
		}
		if !c.matchDay(d) {
			continue
		}
		for _, h := range c.hours {
			if w := d.Add(time.Duration(h) * time.Hour); w.After(t) {
				return w
			}
		}
	}
	return time.Time{}
}
