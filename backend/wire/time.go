// Package wire holds the JSON shapes of Secrets Manager requests and
// responses (API version 2017-10-17), each once, with the member names and
// the member order of the service's API model. The server speaks them on
// the wire and the CLI prints them, so the two cannot drift apart; the
// conversions from the backend contract's types live here for the same
// reason.
//
// Optional members are pointers, omitempty or omitzero so that absent
// stays absent: AWS tells "never tagged" (no Tags member) from "every tag
// removed" ("Tags": []), and clients see the difference.
package wire

import (
	"strconv"
	"time"
)

// DateFormat is how a timestamp member is written. The service and the
// AWS CLI show the same member two ways; the caller chooses.
type DateFormat int

const (
	// EpochSeconds is the JSON 1.1 protocol's form: seconds since the
	// epoch with a millisecond fraction, the precision the SDKs parse
	// (1700000000.5 is written 1700000000.500).
	EpochSeconds DateFormat = iota
	// ISO8601 is the AWS CLI v2's default output (cli_timestamp_format
	// iso8601): Python's datetime.isoformat() in the local time zone,
	// with microseconds only when they are not zero.
	ISO8601
)

// Time is a timestamp member. It marshals as EpochSeconds, the protocol's
// form; Format gives either form. The zero Time is an absent member (use
// the omitzero option).
type Time time.Time

// IsZero reports whether the member is absent.
func (t Time) IsZero() bool { return time.Time(t).IsZero() }

// Format writes t in format f. Both forms keep milliseconds only: that is
// what travels on the wire, so the embedded store's finer times print the
// same whichever way the secret is reached.
func (t Time) Format(f DateFormat) string {
	var buf [40]byte // the longest form, ISO8601 with microseconds, is 32
	return string(t.Append(buf[:0], f))
}

// Append appends t in format f to b.
func (t Time) Append(b []byte, f DateFormat) []byte {
	switch f {
	case ISO8601:
		lt := time.Time(t).Local().Truncate(time.Millisecond)
		if lt.Nanosecond() == 0 {
			return lt.AppendFormat(b, "2006-01-02T15:04:05-07:00")
		}
		return lt.AppendFormat(b, "2006-01-02T15:04:05.000000-07:00")
	default:
		ms := time.Time(t).UnixMilli()
		sec, frac := ms/1000, ms%1000
		if frac < 0 {
			sec, frac = sec-1, frac+1000
		}
		b = strconv.AppendInt(b, sec, 10)
		if frac != 0 {
			b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		}
		return b
	}
}

// MarshalJSON writes the protocol's form, EpochSeconds.
func (t Time) MarshalJSON() ([]byte, error) { return t.Append(nil, EpochSeconds), nil }
