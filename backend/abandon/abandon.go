// Package abandon waits for work that cannot be cancelled (an Argon2id
// derivation, open(2) of a FIFO, a read from a terminal) only as long as a
// context lives, so Ctrl-C and SIGTERM end a command at once.
package abandon

import "context"

// Run calls fn in its own goroutine and returns its result, or ctx.Err() as
// soon as ctx ends. fn then runs on, abandoned, until it finishes or the
// process exits (what an interrupted command does next); if it finishes,
// discard (when not nil) releases what it returned: wipes a key, closes a
// store.
func Run[T any](ctx context.Context, fn func() (T, error), discard func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.err == nil && discard != nil {
				discard(r.v)
			}
		}()
		var zero T
		return zero, ctx.Err()
	}
}
