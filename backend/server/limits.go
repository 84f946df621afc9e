package server

import (
	"net"
	"sync"
)

// perIPLimit counts the requests in progress per client address, so that
// one client cannot occupy every connection's worth of work.
type perIPLimit struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

func newPerIPLimit(max int) *perIPLimit {
	return &perIPLimit{max: max, n: map[string]int{}}
}

// ipOf is the address part of a RemoteAddr: a client opening many
// connections from many ports is still one client.
func ipOf(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}

func (l *perIPLimit) acquire(remoteAddr string) bool {
	ip := ipOf(remoteAddr)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[ip] >= l.max {
		return false
	}
	l.n[ip]++
	return true
}

func (l *perIPLimit) release(remoteAddr string) {
	ip := ipOf(remoteAddr)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[ip] <= 1 {
		// Addresses without requests leave the map, which therefore
		// stays as small as the clients in progress.
		delete(l.n, ip)
		return
	}
	l.n[ip]--
}

// byteBudget is the memory request bodies may hold at once.
type byteBudget struct {
	mu   sync.Mutex
	free int64
}

// acquire takes n bytes if they are free. It does not wait: a client over
// the budget is told to slow down instead of holding a connection.
func (b *byteBudget) acquire(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.free {
		return false
	}
	b.free -= n
	return true
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
}

// limitListener accepts at most n connections at once: Accept waits for
// one of them to close. (golang.org/x/net/netutil has the same, but not
// as a dependency of this module.)
func limitListener(l net.Listener, n int) net.Listener {
	return &limitedListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

type limitedListener struct {
	net.Listener
	sem       chan struct{}
	closeOnce sync.Once
	done      chan struct{}
}

func (l *limitedListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitedListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
