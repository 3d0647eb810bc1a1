package cron

import (
	"errors"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
		"cron(0 9 ? * 2#1 *)", "cron(0 0 L * ? *)", "cron(0 0 ? * 6L *)", "cron(0 0 LW * ? *)",
		"cron(0 0 15W * ? *)", "cron(0 0 1W * ? *)", "cron(0 0 31W * ? *)", "cron(0 0 ? * L *)",
		"cron(30 6 ? * 3#5 *)", "cron(0 12 29 2 ? 2028-2032)", "cron(0 0 30 2 ? *)",
		"cron(1/10 0-23/6 ? nov-feb fri-mon 2028-2032)", "cron(0 0 * * * *)", "cron(0 0 L-3 * ? *)",
		"cron(0 0 ? * 2#1#2 *)", "cron(* * * * ? 2199)", "cron(0/61 0 * * ? *)",
	} {
		f.Add(seed, int64(1735689600)) // 2025-01-01
	}
	f.Fuzz(func(t *testing.T, expr string, unix int64) {
		s, err := Parse(expr)
		if err != nil {
			var cerr *Error
			if !errors.As(err, &cerr) || s != nil || cerr.Msg == "" {
				t.Fatalf("Parse(%q) = %v, %v", expr, s, err)
			}
			return
		}
		checkRoundTrip(t, s)
		// Map the start into 1960-2210 so both ends of the year range are hit.
		const lo, hi = -315619200, 7605187200
		from := time.Unix(lo+(unix%(hi-lo)+(hi-lo))%(hi-lo), unix%1e9).UTC()
		next, ok := checkNext(t, s, from, from.AddDate(0, 0, 40))
		if ok {
			checkNext(t, s, next, next.AddDate(0, 0, 40))
		}
	})
}

// checkRoundTrip checks that the normalized form parses to the same
// schedule.
func checkRoundTrip(t *testing.T, s *Schedule) {
	t.Helper()
	again, err := Parse(s.String())
	if err != nil || *again != *s {
		t.Fatalf("Parse(%q) = %v, %v; want %+v", s.String(), again, err, *s)
	}
}
