package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Keys as a terminal sends them.
const (
	keyDown     = "j"
	keyUp       = "k"
	keyPageDown = "\x1b[6~"
	keyPageUp   = "\x1b[5~"
	keyBack     = "\x7f"
	keyEsc      = "\x1b"
)

// TestSilentTerminalFirstFrame starts the console on a terminal that
// answers no query (neither the background colour nor the cursor position,
// as some multiplexers and slow links behave): the first frame must not
// wait for an answer. termenv's query waited 5 s for one.
func TestSilentTerminalFirstFrame(t *testing.T) {
	s := newStore(t)
	s.cli(t, "create-secret", "--name", "app/one", "--secret-string", "v")
	// A terminal termenv would query: a TTY, a TERM that is neither
	// screen, tmux nor dumb, and no CI or COLORFGBG to go by.
	c := startPTY(t, s, 120, 40, "TERM=xterm-256color")
	at := c.waitFor(0, 20*time.Second, "the first frame shows the secret", func(b []byte) bool {
		return bytes.Contains(b, []byte("app/one"))
	})
	if d := at.Sub(c.start); d > time.Second {
		t.Errorf("the first frame came %v after the start on a silent terminal; want well under a second", d)
	}
	if out := c.since(0); bytes.Contains(out, []byte("\x1b]11;?")) {
		t.Errorf("the console asked the terminal for its background colour (OSC 11): %q", tail(out, 400))
	}
	c.send("q")
	c.settle(0, 100*time.Millisecond, 10*time.Second)
}

// benchStore is a store of n demo secrets unlocked by a key file. With
// SECRETARY_BENCH_STORE_DIR set, stores are kept there and reused by later
// runs (filling 300,000 secrets takes minutes).
func benchStore(b *testing.B, n int) store {
	b.Helper()
	dir := os.Getenv("SECRETARY_BENCH_STORE_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	home := b.TempDir()
	s := store{dir: home, path: filepath.Join(dir, fmt.Sprintf("demo-%d.db", n)), keyFile: filepath.Join(dir, fmt.Sprintf("demo-%d.key", n))}
	done := s.path + ".filled"
	if _, err := os.Stat(done); err == nil {
		return s
	}
	_ = os.Remove(s.path)
	_ = os.Remove(s.keyFile)
	start := time.Now()
	if out, err := s.try("init", "--key-file", s.keyFile); err != nil {
		b.Fatalf("init: %v\n%s", err, out)
	}
	if out, err := s.try("demo-data", "--secrets", strconv.Itoa(n)); err != nil {
		b.Fatalf("demo-data: %v\n%s", err, out)
	}
	if err := os.WriteFile(done, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d secrets in %v", n, time.Since(start).Round(time.Second))
	return s
}

// latencies collects key→last-byte times and bytes per key.
type latencies struct {
	times []time.Duration
	bytes []int
}

func (l *latencies) quantile(q float64) float64 {
	if len(l.times) == 0 {
		return 0
	}
	s := slices.Clone(l.times)
	slices.Sort(s)
	i := int(q*float64(len(s)-1) + 0.5)
	return float64(s[i].Microseconds()) / 1000
}

// ms lists the times in milliseconds, in the order the keys were sent.
func (l *latencies) ms() []float64 {
	out := make([]float64, len(l.times))
	for i, t := range l.times {
		out[i] = float64(t.Microseconds()) / 1000
	}
	return out
}

func (l *latencies) meanBytes() float64 {
	if len(l.bytes) == 0 {
		return 0
	}
	t := 0
	for _, n := range l.bytes {
		t += n
	}
	return float64(t) / float64(len(l.bytes))
}

func (l *latencies) maxBytes() float64 {
	if len(l.bytes) == 0 {
		return 0
	}
	return float64(slices.Max(l.bytes))
}

// keyQuiet is how long the console must write nothing for a keystroke's
// answer to count as complete: several frames of the renderer, and far
// above every budget, so the last byte is the last of the answer.
const keyQuiet = 150 * time.Millisecond

// press sends one key and records the time to the last byte of the
// answer and the bytes written; a key that changes nothing writes
// nothing and is not recorded.
func press(c *ptyConsole, key string, into *latencies) {
	c.tb.Helper()
	// Keys come at random moments of the renderer's frame, as typing does;
	// sent a fixed time after the last frame they would all land at the
	// same point of it and measure that point only.
	time.Sleep(time.Duration(rand.Int64N(int64(20 * time.Millisecond))))
	from := c.mark()
	at := c.send(key)
	last, n := c.settle(from, keyQuiet, 10*time.Second)
	if n == 0 {
		return
	}
	into.times = append(into.times, last.Sub(at))
	into.bytes = append(into.bytes, n)
}

// listed reports whether the latest title line in out says the listing is
// complete: the count without "loading".
func listed(out []byte) bool {
	i := bytes.LastIndex(out, []byte("Secrets"))
	if i < 0 {
		return false
	}
	title := out[i:]
	if j := bytes.IndexByte(title, '\n'); j >= 0 {
		title = title[:j]
	}
	return !bytes.Contains(title, []byte("loading"))
}

// BenchmarkConsoleLatency runs the real binary on a pty at 120×40 (256
// colours, a terminal that answers no query) on a store of n demo secrets
// unlocked by a key file, and types into it as an operator would: cursor
// moves, page downs, a filter typed and erased letter by letter. For each
// kind of key it reports the time from the key to the last byte of the
// console's answer (p50, p99) and the bytes written per key; and the time
// to the first frame showing rows, to the complete listing, and the
// console's peak resident memory. On a busy machine the wall times
// measure the scheduler as much as the console: ms-filter-cpu, the
// console's CPU time per filter keystroke, does not.
//
// Budgets at 120×40: first frame with rows ≤ 150 ms at 100,000 secrets;
// a filter keystroke ≤ 16 ms at 100,000 and ≤ 30 ms at 300,000; ≤ 1 KB
// per cursor move and ≤ 5 KB per page down; peak RSS ≤ 200 MB at 300,000.
//
//	go test ./ui/e2e -run '^$' -bench ConsoleLatency -benchtime 1x
func BenchmarkConsoleLatency(b *testing.B) {
	if !suite.available {
		b.Skip("e2e: the binary is built only where tmux is installed (the end-to-end tests run in CI); install tmux")
	}
	for _, n := range []int{100_000, 300_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			var first, full time.Duration
			var moves, pages, filter latencies
			var peak int64
			var filterCPU, idleCPU time.Duration
			var filterKeys int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := startPTY(b, s, 120, 40, "TERM=xterm-256color")
				// The first frame with rows: the cursor's row marker.
				at := c.waitFor(0, 60*time.Second, "a frame with rows", func(out []byte) bool {
					return bytes.Contains(out, []byte("›"))
				})
				first += at.Sub(c.start)
				at = c.waitFor(0, 5*time.Minute, "the complete listing", listed)
				full += at.Sub(c.start)
				c.settle(0, time.Second, time.Minute)
				// Idle: nothing typed, nothing loading.
				idle0 := c.cpu()
				time.Sleep(2 * time.Second)
				idleCPU += (c.cpu() - idle0) / 2

				for j := 0; j < 30; j++ {
					press(c, keyDown, &moves)
				}
				for j := 0; j < 30; j++ {
					press(c, keyUp, &moves)
				}
				for j := 0; j < 10; j++ {
					press(c, keyPageDown, &pages)
				}
				for j := 0; j < 10; j++ {
					press(c, keyPageUp, &pages)
				}
				press(c, "/", &latencies{})
				cpu0, keys0 := c.cpu(), len(filter.times)
				for _, word := range []string{"payments", "prod db"} {
					for _, r := range word {
						press(c, string(r), &filter)
					}
					for range word {
						press(c, keyBack, &filter)
					}
				}
				filterCPU += c.cpu() - cpu0
				filterKeys += len(filter.times) - keys0
				press(c, keyEsc, &latencies{})
				peak = max(peak, c.peakRSS())
				c.send("q")
				c.settle(c.mark(), 100*time.Millisecond, 10*time.Second)
			}
			b.StopTimer()
			b.Logf("filter keystrokes, ms: %v", filter.ms())
			b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-first-rows")
			b.ReportMetric(float64(full.Milliseconds())/float64(b.N), "ms-listed")
			b.ReportMetric(filter.quantile(0.5), "ms-filter-p50")
			b.ReportMetric(filter.quantile(0.99), "ms-filter-p99")
			b.ReportMetric(float64(filterCPU.Microseconds())/1000/float64(max(1, filterKeys)), "ms-filter-cpu")
			b.ReportMetric(float64(idleCPU.Microseconds())/1000/float64(b.N), "ms-idle-cpu/s")
			b.ReportMetric(moves.quantile(0.5), "ms-move-p50")
			b.ReportMetric(moves.quantile(0.99), "ms-move-p99")
			b.ReportMetric(moves.meanBytes(), "B/move")
			b.ReportMetric(moves.maxBytes(), "B/move-max")
			b.ReportMetric(pages.quantile(0.5), "ms-pgdn-p50")
			b.ReportMetric(pages.meanBytes(), "B/pgdn")
			b.ReportMetric(pages.maxBytes(), "B/pgdn-max")
			b.ReportMetric(float64(peak)/(1<<20), "MB-peak-RSS")
		})
	}
}
