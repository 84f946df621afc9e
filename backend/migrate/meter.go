package migrate

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// meter paces, retries and counts the requests made to one store. The AWS
// SDK already retries a throttled call a few times; a migration of
// thousands of secrets outlasts that budget when the account's quota is
// shared, so a call still throttled after the SDK gave up waits longer and
// tries again here instead of failing the secret.
type meter struct {
	limiter  *limiter
	requests atomic.Int64
	retries  atomic.Int64
	// maxRetries and baseDelay bound the waiting; tests shorten them.
	maxRetries int
	baseDelay  time.Duration
}

func newMeter(rate float64) *meter {
	return &meter{limiter: newLimiter(rate), maxRetries: 8, baseDelay: 200 * time.Millisecond}
}

// do runs one request under the rate cap, retrying throttling with
// exponential backoff and full jitter.
func (m *meter) do(ctx context.Context, fn func() error) error {
	for attempt := 0; ; attempt++ {
		if err := m.limiter.wait(ctx); err != nil {
			return err
		}
		m.requests.Add(1)
		err := fn()
		if err == nil || !errors.Is(err, backend.ErrThrottling) || attempt >= m.maxRetries {
			return err
		}
		m.retries.Add(1)
		backoff := m.baseDelay << min(attempt, 6)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(backoff) + 1))):
		}
	}
}

// limiter spaces requests at most rate per second across every worker; a
// rate of zero means no cap.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return &limiter{}
	}
	return &limiter{interval: time.Duration(float64(time.Second) / rate)}
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	at := l.next
	l.next = l.next.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
