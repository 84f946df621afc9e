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

// principalKey is the context key under which the caller's IAM principal
// travels.
type principalKey struct{}

// WithPrincipal returns a context that names the IAM principal (a user's
// ARN) the calls made with it act as; stores that keep an audit log record
// it beside the actor.
func WithPrincipal(ctx context.Context, arn string) context.Context {
	return context.WithValue(ctx, principalKey{}, arn)
}

// Principal returns the principal set by WithPrincipal, or "".
func Principal(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}
