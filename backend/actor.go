package backend

import "context"

// actorKey is the context key under which the caller's identity travels.
type actorKey struct{}

// WithActor returns a context that names who is making the calls made with
// it (an access key id when the store is served over HTTP, an OS user for
// the console). Stores that keep an audit log record it as the actor.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// Actor returns the actor set by WithActor, or "" when none was set.
func Actor(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}
