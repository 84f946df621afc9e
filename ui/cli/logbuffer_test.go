package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedWriter records each write it receives.
type lockedWriter struct {
	mu     sync.Mutex
	writes []string
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *lockedWriter) all() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.writes), strings.Join(w.writes, "")
}

// TestLogBufferGathersLinesAndDelaysNone: lines written close together
// reach the destination in one write, in order, within the flush
// interval; a full buffer and Flush write at once.
func TestLogBufferGathersLinesAndDelaysNone(t *testing.T) {
	dst := &lockedWriter{}
	l := &logBuffer{w: dst, every: 20 * time.Millisecond}
	var want bytes.Buffer
	for i := range 100 {
		line := strings.Repeat(string(rune('a'+i%26)), 10) + "\n"
		want.WriteString(line)
		if _, err := l.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := dst.all(); n != 0 {
		t.Fatalf("%d writes before the interval ended; want the lines gathered", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, got := dst.all()
		if n > 0 {
			if n != 1 || got != want.String() {
				t.Fatalf("%d writes of %q; want one of every line in order", n, got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lines never reached the destination")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// A full buffer is written at once, and Flush writes the rest.
	l = &logBuffer{w: dst, every: time.Hour}
	big := strings.Repeat("x", logBufferMax)
	l.Write([]byte(big))
	if n, _ := dst.all(); n != 2 {
		t.Fatalf("a full buffer waited: %d writes", n)
	}
	l.Write([]byte("last\n"))
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if n, got := dst.all(); n != 3 || !strings.HasSuffix(got, big+"last\n") {
		t.Fatalf("after Flush: %d writes", n)
	}
}
