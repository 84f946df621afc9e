package diff

// maxEdits bounds the Myers search. The greedy algorithm keeps one
// frontier per edit distance, O(D²) memory in all; beyond this many edits
// (two wholly different texts of thousands of lines) the differing middle
// is reported as removed then added, which is still a correct diff, just
// not the shortest.
const maxEdits = 2000

// lineScript returns an edit script turning a into b: Unchanged, Removed
// and Added steps, removals before additions within a change. It trims the
// common prefix and suffix, then runs Myers' O(ND) greedy search ("An
// O(ND) Difference Algorithm and Its Variations", 1986) on what is left.
func lineScript(a, b []string) []Op {
	// Compare small integers instead of strings in the inner loop.
	ids := map[string]int{}
	intern := func(ls []string) []int {
		out := make([]int, len(ls))
		for i, l := range ls {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := intern(a), intern(b)

	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	ops := make([]Op, 0, len(x)+len(y))
	for i := 0; i < pre; i++ {
		ops = append(ops, Unchanged)
	}
	ops = append(ops, myers(x[pre:len(x)-suf], y[pre:len(y)-suf])...)
	for i := 0; i < suf; i++ {
		ops = append(ops, Unchanged)
	}
	return ops
}

// myers finds a shortest edit script between x and y.
func myers(x, y []int) []Op {
	n, m := len(x), len(y)
	replace := func() []Op {
		ops := make([]Op, 0, n+m)
		for i := 0; i < n; i++ {
			ops = append(ops, Removed)
		}
		for j := 0; j < m; j++ {
			ops = append(ops, Added)
		}
		return ops
	}
	if n == 0 || m == 0 {
		return replace()
	}
	max := n + m
	if max > maxEdits {
		max = maxEdits
	}
	// v[k+off] is the furthest x reached on diagonal k = x - y. trace keeps
	// the frontier before each step d so the path can be walked back.
	off := max + 1
	v := make([]int, 2*max+3)
	var trace [][]int
	for d := 0; d <= max; d++ {
		snapshot := make([]int, 2*d+1)
		copy(snapshot, v[off-d:off+d+1])
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				i = v[off+k+1] // step down: an insertion
			} else {
				i = v[off+k-1] + 1 // step right: a deletion
			}
			j := i - k
			for i < n && j < m && x[i] == y[j] {
				i++
				j++
			}
			v[off+k] = i
			if i >= n && j >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	return replace()
}

// backtrack walks the recorded frontiers from (n, m) back to (0, 0).
func backtrack(trace [][]int, n, m int) []Op {
	var rev []Op
	i, j := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vd := trace[d] // frontier before step d, indexed k+d
		at := func(k int) int { return vd[k+d] }
		k := i - j
		var prevK int
		if d == 0 {
			prevK = 0
		} else if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevI := 0
		if d > 0 {
			prevI = at(prevK)
		}
		prevJ := prevI - prevK
		for i > prevI && j > prevJ {
			rev = append(rev, Unchanged)
			i--
			j--
		}
		if d > 0 {
			if i == prevI {
				rev = append(rev, Added)
				j--
			} else {
				rev = append(rev, Removed)
				i--
			}
		}
	}
	for l, r := 0, len(rev)-1; l < r; l, r = l+1, r-1 {
		rev[l], rev[r] = rev[r], rev[l]
	}
	return rev
}
