package cli

import (
	"time"

	"github.com/secretary-sh/secretary/backend/aws"
)

// Default network waits on the AWS backend. A command run by cron must
// give up within a minute in all, retries included (the AWS CLI's own
// defaults took 186 s against an endpoint that never answered); the
// console, where an operator is watching, gives up sooner and can retry.
const (
	defaultConnectTimeout = 10 * time.Second
	defaultReadTimeout    = 30 * time.Second
	defaultCallTimeout    = 60 * time.Second

	consoleConnectTimeout = 5 * time.Second
	consoleReadTimeout    = 15 * time.Second
	consoleCallTimeout    = 30 * time.Second
)

// Timeouts are the --cli-connect-timeout and --cli-read-timeout flags;
// nil means the flag was not given.
type Timeouts struct {
	Connect, Read *time.Duration
}

// parse reads the flags, in seconds as for the AWS CLI; 0 is no limit.
func (t *Timeouts) parse(g *args) error {
	for _, f := range []struct {
		name string
		dst  **time.Duration
	}{{"cli-connect-timeout", &t.Connect}, {"cli-read-timeout", &t.Read}} {
		n, ok := g.ints[f.name]
		if !ok {
			continue
		}
		if n < 0 {
			return usagef("argument --%s: %d is negative (seconds; 0 means no limit)", f.name, n)
		}
		d := time.Duration(n) * time.Second
		*f.dst = &d
	}
	return nil
}

// forAWS returns the timeouts for the AWS backend: the flags where given,
// the defaults for a command or the console elsewhere. The whole call is
// bounded too, so that retries cannot multiply the wait, except when the
// read timeout was switched off (the operator asked to wait) and never
// below one full attempt.
func (t Timeouts) forAWS(console bool) aws.Timeouts {
	out := aws.Timeouts{Connect: defaultConnectTimeout, Read: defaultReadTimeout, Call: defaultCallTimeout}
	if console {
		out = aws.Timeouts{Connect: consoleConnectTimeout, Read: consoleReadTimeout, Call: consoleCallTimeout}
	}
	if t.Connect != nil {
		out.Connect = *t.Connect
	}
	if t.Read != nil {
		out.Read = *t.Read
	}
	switch {
	case out.Read == 0:
		out.Call = 0
	case out.Connect > 0 && out.Connect+out.Read > out.Call:
		out.Call = out.Connect + out.Read
	case out.Connect == 0 && out.Read > out.Call:
		out.Call = out.Read
	}
	return out
}
