package backend

import (
	"context"
	"sync/atomic"
)

// AccessKeyCheck is the access key that signed a request, travelling with
// the request's context so that a store can confirm, inside the
// transaction of the operation itself, that the key still exists.
//
// A server checks signatures against secrets it keeps in memory; asking
// the store whether each key still exists before every request would cost
// a read transaction of its own. Confirming it in the operation's
// transaction costs one indexed lookup, and sees a key deleted by any
// process up to the moment the operation runs. A store that confirms the
// key calls Confirm; one that finds it gone fails the operation with
// CodeUnrecognizedClient. The server checks the key itself when no
// transaction confirmed it (a request refused before reaching the store).
type AccessKeyCheck struct {
	ID        string
	confirmed atomic.Bool
}

// Confirm records that the key was found to exist.
func (c *AccessKeyCheck) Confirm() { c.confirmed.Store(true) }

// Confirmed reports whether a store confirmed the key.
func (c *AccessKeyCheck) Confirmed() bool { return c.confirmed.Load() }

type accessKeyCheckKey struct{}

// WithAccessKeyCheck returns a context whose operations a store runs only
// while the access key c names exists.
func WithAccessKeyCheck(ctx context.Context, c *AccessKeyCheck) context.Context {
	return context.WithValue(ctx, accessKeyCheckKey{}, c)
}

// AccessKeyCheckFrom returns the check set by WithAccessKeyCheck, or nil.
func AccessKeyCheckFrom(ctx context.Context) *AccessKeyCheck {
	c, _ := ctx.Value(accessKeyCheckKey{}).(*AccessKeyCheck)
	return c
}
