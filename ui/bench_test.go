package ui

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/demo"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
	"github.com/secretary-sh/secretary/theme"
	"github.com/secretary-sh/secretary/ui/internal/tmuxtest"
)

// benchMetadata is n secrets shaped like the demo estate (names,
// descriptions, tags, versions and labels from demo.Plan), without a store.
func benchMetadata(n int) []backend.SecretMetadata {
	specs := demo.Plan(1, n)
	out := make([]backend.SecretMetadata, n)
	for i, s := range specs {
		created := testNow.Add(-s.Age)
		stages := map[string][]string{fmt.Sprintf("v%d-cur", i): {backend.StageCurrent}}
		if s.Versions > 1 {
			stages[fmt.Sprintf("v%d-prev", i)] = []string{backend.StagePrevious}
		}
		if s.Label != "" {
			stages[fmt.Sprintf("v%d-0", i)] = []string{s.Label}
		}
		m := backend.SecretMetadata{
			ARN: "arn:aws:secretsmanager:local:000000000000:secret:" + s.Name + "-AbCdEf", Name: s.Name,
			Description: s.Description, Tags: s.Tags, CreatedDate: created,
			LastChangedDate: created.Add(s.Age / 2), LastAccessedDate: testNow.Add(-24 * time.Hour),
			VersionIdsToStages: stages,
		}
		if s.DeleteInDays > 0 {
			m.DeletedDate = testNow.Add(-time.Hour)
			m.DeletionDate = m.DeletedDate.AddDate(0, 0, s.DeleteInDays)
		}
		out[i] = m
	}
	return out
}

// benchModel is the console at w×h showing n secrets in the list. The
// rows are handed to the list the way a finished load leaves them.
func benchModel(b *testing.B, n, w, h int, profile termenv.Profile) *model {
	b.Helper()
	s, _, _ := newStore(b)
	r := lipgloss.NewRenderer(os.Stdout)
	r.SetColorProfile(profile)
	r.SetHasDarkBackground(true)
	st, err := theme.New(r, theme.Dark)
	if err != nil {
		b.Fatal(err)
	}
	m := newModel(context.Background(), &Config{Backend: fixedInfo{s}}, r, st,
		options{now: func() time.Time { return testNow }, tick: noTick})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	l := m.pages[0].(*listPage)
	ms := benchMetadata(n)
	// The store lists by name; so does this.
	slices.SortFunc(ms, func(a, b backend.SecretMetadata) int { return strings.Compare(a.Name, b.Name) })
	l.onBatch(listBatchMsg{id: l.loadID, rows: newRows(ms), done: true})
	runSync(m, l.recompute())
	if len(l.view) == 0 {
		b.Fatal("no rows in the view")
	}
	return m
}

// runSync runs cmd and feeds its messages to m, as the program would;
// timers are never created on these paths.
func runSync(m *model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			runSync(m, c)
		}
		return
	}
	if msg != nil {
		_, next := m.Update(msg)
		runSync(m, next)
	}
}

// BenchmarkListView100k measures one full frame (list, status bar, footer)
// with 100,000 secrets listed. Budget: 2 ms.
func BenchmarkListView100k(b *testing.B) {
	m := benchModel(b, 100_000, 120, 40, termenv.ANSI256)
	l := m.pages[0].(*listPage)
	l.cursor = 50_000
	l.offset = scroll(l.cursor, 0, l.bodyHeight(), len(l.view))
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkFilterKeystroke100k measures a keystroke in the filter through
// to the repainted frame: Update, the background filter over 100,000
// secrets, the result's Update and View. Budget: 16 ms (one frame).
func BenchmarkFilterKeystroke100k(b *testing.B) {
	for _, tc := range []struct {
		name, base, key string
		// recent keeps the views of the queries typed before, as
		// erasing what was just typed finds them; the other cases
		// measure the search.
		recent bool
	}{
		// Typing narrows: only the previous matches are searched.
		{"narrow", "pay", "m", false},
		// Deleting widens to a query not seen: every secret is searched.
		{"widen", "paym", "backspace", false},
		// Erasing what was just typed: the shorter query's view is known.
		{"erase", "paym", "backspace", true},
		// First character: every secret, the largest result.
		{"first-char", "", "p", false},
		// An AWS filter key through backend.MatchFilters.
		{"tag-value", "tag-value:pay", "m", false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := benchModel(b, 100_000, 120, 40, termenv.ANSI256)
			l := m.pages[0].(*listPage)
			runSync(m, m.updateKey(keyMsg("/")))
			for _, r := range tc.base {
				runSync(m, m.updateKey(keyMsg(string(r))))
			}
			base, baseQ := l.view, l.viewQ
			matches := 0
			// The setup's garbage is not the keystroke's to collect.
			runtime.GC()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				l.filter.SetValue(tc.base)
				l.viewQuery, l.view, l.viewQ, l.viewGen = tc.base, base, baseQ, l.gen
				if !tc.recent {
					l.recent = recentViews{}
				}
				b.StartTimer()
				runSync(m, m.updateKey(keyMsg(tc.key)))
				_ = m.View()
				matches = len(l.view)
			}
			b.ReportMetric(float64(matches), "matches")
		})
	}
}

// BenchmarkJumpKeystroke100k measures a keystroke in the ":" field with
// 100,000 secrets: the completion (two binary searches over the names)
// and the repainted frame. Budget: 2 ms, as a frame of the list.
func BenchmarkJumpKeystroke100k(b *testing.B) {
	m := benchModel(b, 100_000, 120, 40, termenv.ANSI256)
	l := m.pages[0].(*listPage)
	name := l.rows[len(l.rows)/2].name
	base := name[:len(name)/2]
	runSync(m, m.updateKey(keyMsg(":")))
	for _, r := range base {
		runSync(m, m.updateKey(keyMsg(string(r))))
	}
	next := string(name[len(base)])
	matches := 0
	b.ReportAllocs()
	for b.Loop() {
		l.jump.SetValue(base)
		runSync(m, m.updateKey(keyMsg(next)))
		_ = m.View()
		lo, hi := completions(l.rows, l.nameOrder(), l.jump.Value())
		matches = hi - lo
	}
	b.ReportMetric(float64(matches), "matches")
}

// frameBytes is what bubbletea's standard renderer (v1) writes to move
// from frame prev to frame next on the alternate screen: unchanged lines
// are skipped with a newline, changed lines are rewritten whole (with an
// erase-to-end when shorter than the terminal), then the cursor is parked.
func frameBytes(prev, next string, width int) int {
	old := strings.Split(prev, "\n")
	lines := strings.Split(next, "\n")
	n := len(ansi.CursorHomePosition)
	for i, l := range lines {
		if i < len(old) && old[i] == l {
			if i < len(lines)-1 {
				n++
			}
			continue
		}
		n += len(ansi.Truncate(l, width, ""))
		if ansi.StringWidth(l) < width {
			n += len(ansi.EraseLineRight)
		}
		if i < len(lines)-1 {
			n += 2
		}
	}
	return n + len(ansi.CursorPosition(0, len(lines)))
}

// BenchmarkCursorMoveBytes reports the bytes sent to the terminal per
// cursor move at 120×40 in 256 colours. Budget: 1 KB.
func BenchmarkCursorMoveBytes(b *testing.B) {
	m := benchModel(b, 100_000, 120, 40, termenv.ANSI256)
	l := m.pages[0].(*listPage)
	prev := m.View()
	total, moves := 0, 0
	for b.Loop() {
		k := "j"
		if (moves/60)%2 == 1 {
			k = "k"
		}
		m.updateKey(keyMsg(k))
		next := m.View()
		total += frameBytes(prev, next, 120)
		prev = next
		moves++
	}
	if l.cursor < 0 {
		b.Fatal("cursor lost")
	}
	b.ReportMetric(float64(total)/float64(moves), "bytes/move")
}

// rssStoreSecrets is the size of the store the RSS benchmark lists.
const rssStoreSecrets = 100_000

// BenchmarkRSS100kListed fills a real store with 100,000 demo secrets
// (once; SECRETARY_BENCH_STORE reuses one made earlier with the test
// passphrase), then starts this test binary as a fresh process that opens
// the store, lists every secret through the console and reports its
// resident memory. Budget: 150 MB.
func BenchmarkRSS100kListed(b *testing.B) {
	path := os.Getenv("SECRETARY_BENCH_STORE")
	if path == "" {
		s, _, p := newStore(b)
		start := time.Now()
		if _, err := demo.Fill(context.Background(), s, demo.Options{Secrets: rssStoreSecrets, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.Logf("filled %d secrets in %s", rssStoreSecrets, time.Since(start).Round(time.Millisecond))
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		path = p
	}
	b.ResetTimer()
	var rss, hwm float64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "UI_RSS_STORE="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		found := false
		for sc.Scan() {
			var r, h, rows int
			if _, err := fmt.Sscanf(strings.TrimSpace(sc.Text()), "RSS_KB=%d HWM_KB=%d ROWS=%d", &r, &h, &rows); err == nil {
				if rows != rssStoreSecrets {
					b.Fatalf("child listed %d secrets, want %d", rows, rssStoreSecrets)
				}
				rss, hwm, found = float64(r)/1024, float64(h)/1024, true
			}
		}
		if !found {
			b.Fatalf("child reported nothing:\n%s", out)
		}
	}
	b.ReportMetric(rss, "MB-RSS")
	b.ReportMetric(hwm, "MB-peak")
}

// TestRSSChild is the measuring side of BenchmarkRSS100kListed: the
// console runs as a real Bubble Tea program (its own goroutines, its own
// timing) on the store, lists every secret, idles for two seconds as an
// operator reading the screen would, and reports its memory.
func TestRSSChild(t *testing.T) {
	path := os.Getenv("UI_RSS_STORE")
	if path == "" {
		t.Skip("runs only as the child process of BenchmarkRSS100kListed")
	}
	s, err := local.Open(context.Background(), path, local.Credential{Passphrase: []byte(testPassphrase)}, local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, st := asciiStyles(t)
	// The heap limit as Run sets it: this process is the console's.
	m := newModel(context.Background(), &Config{Backend: s}, r, st, options{animate: true, limitMemory: debug.SetMemoryLimit})
	loaded := make(chan int, 1)
	signalled := false
	// The filter runs on the program's goroutine, so it may look at the
	// model: once the whole listing is in the view, tell the test.
	watch := func(_ tea.Model, msg tea.Msg) tea.Msg {
		if l, ok := m.pages[0].(*listPage); ok && !signalled && !l.loading && len(l.rows) > 0 && len(l.view) == len(l.rows)-l.deleted {
			signalled = true
			loaded <- len(l.rows)
		}
		return msg
	}
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithFilter(watch))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	var rows int
	select {
	case rows = <-loaded:
	case <-time.After(2 * time.Minute):
		t.Fatal("the listing did not finish in two minutes")
	}
	time.Sleep(2 * time.Second)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status on this system: %v", err)
	}
	kb := func(field string) int {
		for _, ln := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(ln, field+":") {
				n, _ := strconv.Atoi(strings.Fields(ln)[1])
				return n
			}
		}
		t.Fatalf("%s missing from /proc/self/status", field)
		return 0
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("RSS_KB=%d HWM_KB=%d ROWS=%d\n", kb("VmRSS"), kb("VmHWM"), rows)
	fmt.Printf("heap in use %d MB, released %d MB, runtime total %d MB\n", ms.HeapInuse>>20, ms.HeapReleased>>20, ms.Sys>>20)
	p.Quit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// BenchmarkFirstFrame10kKeyFile starts the real secretary binary in tmux
// on a 10,000-secret store that a key file unlocks, and measures from the
// exec to the first frame of the list on the terminal (first-frame), and
// to the list being complete (listed). Budget: first frame ≤ 150 ms.
// The times include tmux starting the process and the polling of its
// screen (every 2 ms), so they are upper bounds.
func BenchmarkFirstFrame10kKeyFile(b *testing.B) {
	srv := tmuxtest.NewServer(b) // the terminal this benchmark drives
	dir := b.TempDir()
	bin := filepath.Join(dir, "secretary")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/secretary-sh/secretary").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	s := localtest.NewStore(b)
	keyFile, store := s.KeyFile, s.Path
	if _, err := demo.Fill(context.Background(), s, demo.Options{Secrets: 10_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	// Sessions are started with the server's own command, not NewSession,
	// which writes a config file: nothing but tmux runs in the timed span.
	tmux := func(args ...string) ([]byte, error) {
		out, err := srv.Run("", args...)
		return []byte(out), err
	}
	var first, full time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pane := "ff" + strconv.Itoa(i)
		start := time.Now()
		if _, err := tmux("new-session", "-d", "-s", pane, "-x", "120", "-y", "40",
			"env", "SECRETARY_STORE="+store, "SECRETARY_KEY_FILE="+keyFile, "NO_COLOR=1", bin); err != nil {
			b.Fatalf("tmux: %v", err)
		}
		var gotFirst time.Duration
		for {
			if time.Since(start) > 30*time.Second {
				b.Fatal("no complete list after 30 s")
			}
			screen, _ := tmux("capture-pane", "-p", "-t", pane)
			if gotFirst == 0 && bytes.Contains(screen, []byte("Secrets")) {
				gotFirst = time.Since(start)
			}
			if gotFirst != 0 && bytes.Contains(screen, []byte("deleted hidden")) && !bytes.Contains(screen, []byte("loading")) {
				full += time.Since(start)
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		first += gotFirst
		b.StopTimer()
		_, _ = tmux("kill-session", "-t", pane)
		b.StartTimer()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-first-frame")
	b.ReportMetric(float64(full.Milliseconds())/float64(b.N), "ms-listed")
}
