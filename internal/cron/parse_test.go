package cron

import (
	"errors"
	"strings"
	"testing"
)

// mask returns a mask with the given bits set.
func mask(values ...int) uint64 {
	var m uint64
	for _, v := range values {
		m |= 1 << uint(v)
	}
	return m
}

// span returns a mask with bits lo to hi set, stepping by step.
func span(lo, hi, step int) uint64 {
	var m uint64
	for v := lo; v <= hi; v += step {
		m |= 1 << uint(v)
	}
	return m
}

func years(values ...int) bitset {
	var b bitset
	for _, y := range values {
		b.set(y - minYear)
	}
	return b
}

func allYears() bitset {
	var b bitset
	for y := minYear; y <= maxYear; y++ {
		b.set(y - minYear)
	}
	return b
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	all := allYears()
	tests := []struct {
		expr string
		want Schedule // expr is the expected String()
	}{
		{"cron(15 12 * * ? *)", Schedule{"cron(15 12 * * ? *)", mask(15), mask(12), span(1, 12, 1), all, dayRule{kind: byMonthDay, set: span(1, 31, 1)}}},
		{"  cron(0 18 ? * MON-FRI *)\n", Schedule{"cron(0 18 ? * MON-FRI *)", mask(0), mask(18), span(1, 12, 1), all, dayRule{kind: byWeekday, set: span(2, 6, 1)}}},
		{"cron(0/15 */7 1,15 jan/3 ? 2025)", Schedule{"cron(0/15 */7 1,15 JAN/3 ? 2025)", mask(0, 15, 30, 45), mask(0, 7, 14, 21), mask(1, 4, 7, 10), years(2025), dayRule{kind: byMonthDay, set: mask(1, 15)}}},
		{"cron(1/10 0-23/6 ? nov-feb fri-mon 2028-2032)", Schedule{"cron(1/10 0-23/6 ? NOV-FEB FRI-MON 2028-2032)", span(1, 59, 10), mask(0, 6, 12, 18), mask(11, 12, 1, 2), years(2028, 2029, 2030, 2031, 2032), dayRule{kind: byWeekday, set: mask(6, 7, 1, 2)}}},
		{"cron(\t5,07-9 1 ? 12-1 FRI-TUE/2 2190/4)", Schedule{"cron(5,07-9 1 ? 12-1 FRI-TUE/2 2190/4)", mask(5, 7, 8, 9), mask(1), mask(12, 1), years(2190, 2194, 2198), dayRule{kind: byWeekday, set: mask(6, 1, 3)}}},
		{"cron( 0 0 * * ? * )", Schedule{"cron(0 0 * * ? *)", mask(0), mask(0), span(1, 12, 1), all, dayRule{kind: byMonthDay, set: span(1, 31, 1)}}},
		{"cron(59 23 L * ? *)", Schedule{"cron(59 23 L * ? *)", mask(59), mask(23), span(1, 12, 1), all, dayRule{kind: lastDay}}},
		{"cron(0 0 lw * ? *)", Schedule{"cron(0 0 LW * ? *)", mask(0), mask(0), span(1, 12, 1), all, dayRule{kind: lastWeekdayOfMonth}}},
		{"cron(0 0 15W * ? *)", Schedule{"cron(0 0 15W * ? *)", mask(0), mask(0), span(1, 12, 1), all, dayRule{kind: nearestWeekday, arg: 15}}},
		{"cron(0 0 ? * L *)", Schedule{"cron(0 0 ? * L *)", mask(0), mask(0), span(1, 12, 1), all, dayRule{kind: byWeekday, set: mask(7)}}},
		{"cron(0 0 ? * 6L *)", Schedule{"cron(0 0 ? * 6L *)", mask(0), mask(0), span(1, 12, 1), all, dayRule{kind: lastOfWeekday, arg: 5}}},
		{"cron(0 0 ? * FriL *)", Schedule{"cron(0 0 ? * FRIL *)", mask(0), mask(0), span(1, 12, 1), all, dayRule{kind: lastOfWeekday, arg: 5}}},
		{"cron(0 9 ? * 2#1 *)", Schedule{"cron(0 9 ? * 2#1 *)", mask(0), mask(9), span(1, 12, 1), all, dayRule{kind: nthWeekday, arg: 1, nth: 1}}},
		{"cron(0 9 ? * tue#5 1970,2199)", Schedule{"cron(0 9 ? * TUE#5 1970,2199)", mask(0), mask(9), span(1, 12, 1), years(1970, 2199), dayRule{kind: nthWeekday, arg: 2, nth: 5}}},
		{"cron(* * ? * * */100)", Schedule{"cron(* * ? * * */100)", span(0, 59, 1), span(0, 23, 1), span(1, 12, 1), years(1970, 2070, 2170), dayRule{kind: byWeekday, set: span(1, 7, 1)}}},
		{"cron(0/60 0/24 1/31 1/12 ? 1970/230)", Schedule{"cron(0/60 0/24 1/31 1/12 ? 1970/230)", mask(0), mask(0), mask(1), years(1970), dayRule{kind: byMonthDay, set: mask(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if *s != tt.want {
				t.Errorf("Parse = %+v\nwant    %+v", *s, tt.want)
			}
			if got := s.String(); got != tt.want.expr {
				t.Errorf("String() = %q, want %q", got, tt.want.expr)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, field, msg string
	}{
		{"", "", `missing "cron(" wrapper`},
		{"0 0 * * ? *", "", `missing "cron(" wrapper`},
		{"rate(5 minutes)", "", `missing "cron(" wrapper`},
		{"CRON(0 0 * * ? *)", "", `missing "cron(" wrapper`},
		{"cron(0 0 * * ? *", "", `missing closing ")"`},
		{"cron(0 0 * * ?)", "", "expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got 5"},
		{"cron(0 0 * * ? * *)", "", "got 7"},
		{"cron()", "", "got 0"},
		{"cron(0 0 * * * *)", "", `day-of-month and day-of-week cannot both be specified; one of them must be "?"`},
		{"cron(0 0 1 * MON *)", "", "cannot both be specified"},
		{"cron(0 0 ? * ? *)", "", `cannot both be "?"`},
		{"cron(61 0 * * ? *)", "Minutes", "value 61 out of range 0-59"},
		{"cron(0 24 * * ? *)", "Hours", "value 24 out of range 0-23"},
		{"cron(0 0 0 * ? *)", "Day-of-month", "value 0 out of range 1-31"},
		{"cron(0 0 32 * ? *)", "Day-of-month", "value 32 out of range 1-31"},
		{"cron(0 0 * 13 ? *)", "Month", `"13" is not a valid value (1-12 or JAN-DEC)`},
		{"cron(0 0 * JANUARY ? *)", "Month", `"JANUARY" is not a valid value (1-12 or JAN-DEC)`},
		{"cron(0 0 ? * 8 *)", "Day-of-week", `"8" is not a valid value (1-7 or SUN-SAT)`},
		{"cron(0 0 ? * 0 *)", "Day-of-week", `"0" is not a valid value (1-7 or SUN-SAT)`},
		{"cron(0 0 ? * \u017fun *)", "Day-of-week", "\"\u017fUN\" is not a valid value"}, // long s
		{"cron(0 0 ? * SUNDAY *)", "Day-of-week", `"SUNDAY" is not a valid value`},
		{"cron(0 0 * * ? 1969)", "Year", "value 1969 out of range 1970-2199"},
		{"cron(0 0 * * ? 2200)", "Year", "value 2200 out of range 1970-2199"},
		{"cron(0 0 * * ? 99999999999999999999)", "Year", "out of range 1970-2199"},
		{"cron(x 0 * * ? *)", "Minutes", `"X" is not a valid value (0-59)`},
		{"cron(MON 0 * * ? *)", "Minutes", `"MON" is not a valid value (0-59)`},
		{"cron(? 0 * * ? *)", "Minutes", `"?" is only allowed in Day-of-month and Day-of-week`},
		{"cron(0 0 * ? ? *)", "Month", `"?" is only allowed`},
		{"cron(0 0 * * ? ?)", "Year", `"?" is only allowed`},
		{"cron(0 0 ?,1 * ? *)", "Day-of-month", `"?" must be the whole field`},
		{"cron(0 0 * * MON,? *)", "Day-of-week", `"?" must be the whole field`},
		{"cron(1,,2 0 * * ? *)", "Minutes", "empty element in list"},
		{"cron(1, 0 * * ? *)", "Minutes", "empty element in list"},
		{"cron(0 ,1 * * ? *)", "Hours", "empty element in list"},
		{"cron(30-10 0 * * ? *)", "Minutes", "range 30-10 is descending"},
		{"cron(0 20-4 * * ? *)", "Hours", "range 20-4 is descending"},
		{"cron(0 0 20-4 * ? *)", "Day-of-month", "range 20-4 is descending"},
		{"cron(0 0 * * ? 2030-2025)", "Year", "range 2030-2025 is descending"},
		{"cron(-5 0 * * ? *)", "Minutes", `"-5" is not a valid range`},
		{"cron(5- 0 * * ? *)", "Minutes", `"5-" is not a valid range`},
		{"cron(1-2-3 0 * * ? *)", "Minutes", `"2-3" is not a valid value`},
		{"cron(*/0 0 * * ? *)", "Minutes", "step 0 out of range 1-60"},
		{"cron(0/61 0 * * ? *)", "Minutes", "step 61 out of range 1-60"},
		{"cron(0 0/25 * * ? *)", "Hours", "step 25 out of range 1-24"},
		{"cron(0 0 ? * 1/8 *)", "Day-of-week", "step 8 out of range 1-7"},
		{"cron(0/ 0 * * ? *)", "Minutes", `step "" is not a number`},
		{"cron(0/x 0 * * ? *)", "Minutes", `step "X" is not a number`},
		{"cron(0/1/2 0 * * ? *)", "Minutes", `step "1/2" is not a number`},
		{"cron(/5 0 * * ? *)", "Minutes", "missing value"},
		{"cron(*-5 0 * * ? *)", "Minutes", `"*" is not a valid value`},
		{"cron(0 0 L-3 * ? *)", "Day-of-month", `"L-3" (an offset from the last day of the month) is not supported`},
		{"cron(0 0 L,15 * ? *)", "Day-of-month", `"L" and "W" cannot be combined with lists, ranges or steps`},
		{"cron(0 0 1W,15W * ? *)", "Day-of-month", `cannot be combined`},
		{"cron(0 0 1-15W * ? *)", "Day-of-month", `cannot be combined`},
		{"cron(0 0 W * ? *)", "Day-of-month", `"W" is not a valid value (1-31, L, LW or a day followed by W`},
		{"cron(0 0 32W * ? *)", "Day-of-month", "value 32 out of range 1-31"},
		{"cron(0 0 0W * ? *)", "Day-of-month", "value 0 out of range 1-31"},
		{"cron(0 0 3L * ? *)", "Day-of-month", `"3L" is not a valid value`},
		{"cron(0 0 WL * ? *)", "Day-of-month", `"WL" is not a valid value`},
		{"cron(0 0 ? * 8L *)", "Day-of-week", `"8" is not a valid value (1-7 or SUN-SAT)`},
		{"cron(0 0 ? * LL *)", "Day-of-week", `"L" is not a valid value`},
		{"cron(0 0 ? * MON,L *)", "Day-of-week", `"L" and "#" cannot be combined with lists, ranges or steps`},
		{"cron(0 0 ? * 2#1,3#2 *)", "Day-of-week", "cannot be combined"},
		{"cron(0 0 ? * 2#1#2 *)", "Day-of-week", `only one "#" expression is allowed`},
		{"cron(0 0 ? * 2#6 *)", "Day-of-week", `week number "6" in "2#6" out of range 1-5`},
		{"cron(0 0 ? * 2#0 *)", "Day-of-week", `week number "0"`},
		{"cron(0 0 ? * 2# *)", "Day-of-week", `week number ""`},
		{"cron(0 0 ? * #2 *)", "Day-of-week", "missing value"},
		{"cron(0 0 ? * 9#2 *)", "Day-of-week", `"9" is not a valid value (1-7 or SUN-SAT)`},
		{"cron(0 0 ? * MONL#2 *)", "Day-of-week", `"MONL" is not a valid value`},
		{"cron(0 0 ? * MOn-FRX *)", "Day-of-week", `"FRX" is not a valid value`},
		{"cron(61 99 * * * *)", "Minutes", "value 61"}, // the first bad field is reported
		{"cron(0 0 32 * ? 1900)", "Day-of-month", "value 32"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr)
			if err == nil {
				t.Fatalf("Parse succeeded: %v", s)
			}
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if cerr.Field != tt.field || cerr.Expr != tt.expr || !strings.Contains(cerr.Msg, tt.msg) {
				t.Errorf("got %+v, want field %q and message containing %q", *cerr, tt.field, tt.msg)
			}
			if !strings.Contains(err.Error(), tt.field) || !strings.HasPrefix(err.Error(), "cron expression ") {
				t.Errorf("Error() = %q does not name field %q", err.Error(), tt.field)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ expr, want string }{
		{"cron(0 0 * * * *)", `cron expression "cron(0 0 * * * *)": day-of-month and day-of-week cannot both be specified; one of them must be "?"`},
		{"cron(61 0 * * ? *)", `cron expression "cron(61 0 * * ? *)": field Minutes: value 61 out of range 0-59`},
		{"cron(0 0 ? * 8 *)", `cron expression "cron(0 0 ? * 8 *)": field Day-of-week: "8" is not a valid value (1-7 or SUN-SAT)`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.expr)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %s", tt.expr, err, tt.want)
		}
	}
}
