package cron

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// exprGen generates random valid expressions.
type exprGen struct{ r *rand.Rand }

func (g exprGen) expr() string {
	dom, dow := "?", "?"
	if g.r.IntN(2) == 0 {
		dom = g.dayOfMonth()
	} else {
		dow = g.dayOfWeek()
	}
	sep := []string{" ", "  ", "\t"}[g.r.IntN(3)]
	return "cron(" + strings.Join([]string{g.list(&minuteSpec), g.list(&hourSpec),
		dom, g.list(&monthSpec), dow, g.year()}, sep) + ")"
}

func (g exprGen) list(f *fieldSpec) string {
	if g.r.IntN(6) == 0 {
		return "*"
	}
	parts := make([]string, 1+g.r.IntN(3))
	for i := range parts {
		parts[i] = g.elem(f)
	}
	return strings.Join(parts, ",")
}

func (g exprGen) elem(f *fieldSpec) string {
	switch g.r.IntN(6) {
	case 0, 1:
		return g.value(f)
	case 3:
		return g.rangeOf(f)
	case 4:
		return g.value(f) + "/" + g.step(f)
	case 5:
		return "*/" + g.step(f)
	}
	return g.rangeOf(f) + "/" + g.step(f)
}

// value returns a random value, as a name (in random case) when possible.
func (g exprGen) value(f *fieldSpec) string {
	return g.name(f, f.min+g.r.IntN(f.span()))
}

func (g exprGen) name(f *fieldSpec, v int) string {
	if f.names == nil || g.r.IntN(2) == 0 {
		return fmt.Sprint(v)
	}
	if name := f.names[v-f.min]; g.r.IntN(2) == 0 {
		return strings.ToLower(name)
	} else {
		return name
	}
}

func (g exprGen) rangeOf(f *fieldSpec) string {
	a, b := f.min+g.r.IntN(f.span()), f.min+g.r.IntN(f.span())
	if a > b && !f.wrap {
		a, b = b, a
	}
	return g.name(f, a) + "-" + g.name(f, b)
}

func (g exprGen) step(f *fieldSpec) string {
	return fmt.Sprint(1 + g.r.IntN(min(f.span(), 20)))
}

func (g exprGen) dayOfMonth() string {
	switch g.r.IntN(8) {
	case 0:
		return "L"
	case 1:
		return "LW"
	case 2:
		return fmt.Sprintf("%dW", 1+g.r.IntN(31))
	case 3: // the days where "W" must not leave the month
		return fmt.Sprintf("%dW", []int{1, 2, 28, 29, 30, 31}[g.r.IntN(6)])
	}
	return g.list(&domSpec)
}

func (g exprGen) dayOfWeek() string {
	switch g.r.IntN(8) {
	case 0:
		return "L"
	case 1, 2:
		return g.value(&dowSpec) + "L"
	case 3, 4:
		return fmt.Sprintf("%s#%d", g.value(&dowSpec), 1+g.r.IntN(5))
	}
	return g.list(&dowSpec)
}

func (g exprGen) year() string {
	y := func() int { return 2023 + g.r.IntN(12) }
	switch g.r.IntN(10) {
	case 0, 1, 2:
		return "*"
	case 3:
		return fmt.Sprint(y())
	case 4:
		a, b := y(), y()
		return fmt.Sprintf("%d-%d", min(a, b), max(a, b))
	case 5:
		return fmt.Sprintf("%d/%d", 2015+g.r.IntN(15), 1+g.r.IntN(5))
	case 6:
		return fmt.Sprintf("%d,%d", y(), y())
	case 7:
		return []string{"1999", "2198-2199", "1970/50", "*/7"}[g.r.IntN(4)]
	}
	return g.list(&yearSpec)
}

// randomTime returns a time in 2024-2031 with random seconds.
func randomTime(r *rand.Rand) time.Time {
	lo := utc(2024, 1, 1, 0, 0).Unix()
	hi := utc(2032, 1, 1, 0, 0).Unix()
	return time.Unix(lo+r.Int64N(hi-lo), 0).UTC()
}

// checkNext compares s.Next(from) with the brute-force search up to limit
// and checks that any result is a fire time after from.
func checkNext(t *testing.T, s *Schedule, from, limit time.Time) (time.Time, bool) {
	t.Helper()
	got, ok := s.Next(from)
	want, wantOK := bruteNext(s, from, limit)
	switch {
	case wantOK && (!ok || !got.Equal(want)):
		t.Errorf("%v.Next(%v) = %v, %v; brute force finds %v", s, from, got, ok, want)
	case !wantOK && ok && got.Before(limit):
		t.Errorf("%v.Next(%v) = %v; brute force finds nothing before %v", s, from, got, limit)
	case ok && (!got.After(from) || !matches(s, got)):
		t.Errorf("%v.Next(%v) = %v, which is not a later fire time", s, from, got)
	}
	return got, ok
}

func TestNextMatchesBruteForce(t *testing.T) {
	t.Parallel()
	const exprs, starts, chain, window = 400, 3, 3, 10
	r := rand.New(rand.NewPCG(1, 2))
	g := exprGen{r}
	for i := 0; i < exprs; i++ {
		expr := g.expr()
		s, err := Parse(expr)
		if err != nil {
			t.Fatalf("generated expression is invalid: %v", err)
		}
		for j := 0; j < starts; j++ {
			from := randomTime(r)
			next, ok := checkNext(t, s, from, from.AddDate(window, 0, 0))
			for k := 0; ok && k < chain; k++ { // start exactly on fire times
				next, ok = checkNext(t, s, next, next.AddDate(window, 0, 0))
			}
		}
	}
}
